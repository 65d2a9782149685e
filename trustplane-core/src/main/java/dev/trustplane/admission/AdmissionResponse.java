package dev.trustplane.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The AdmissionReview answer: the request's uid, allowed or denied (HTTP-style 403 status with
 * every denial's message), Audit findings as {@code warnings} (each at most 256 characters,
 * together at most 4096, as the API server keeps), and digest pins as a base64 JSON Patch.
 */
public final class AdmissionResponse {
    static final int MAX_WARNING = 256;
    static final int MAX_WARNINGS_TOTAL = 4096;
    private static final ObjectMapper JSON = Json.mapper();

    private AdmissionResponse() {
    }

    public static byte[] of(String uid, Evaluation evaluation, boolean withPatch) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "admission.k8s.io/v1");
        root.put("kind", "AdmissionReview");
        ObjectNode response = root.putObject("response");
        response.put("uid", uid);
        boolean denied = evaluation.denied();
        response.put("allowed", !denied);
        if (denied) {
            ObjectNode status = response.putObject("status");
            status.put("code", 403);
            status.put("reason", "Forbidden");
            List<String> messages = new ArrayList<>();
            for (Decision d : evaluation.denials()) {
                messages.add(d.message());
            }
            status.put("message", "Trustplane denied the request: " + String.join("\n", messages));
        }
        List<Decision> warned = evaluation.warnings();
        if (!warned.isEmpty()) {
            ArrayNode warnings = response.putArray("warnings");
            int total = 0;
            for (Decision d : warned) {
                String w = "[Audit] " + d.message();
                if (w.length() > MAX_WARNING) {
                    w = w.substring(0, MAX_WARNING - 1) + "…";
                }
                if (total + w.length() > MAX_WARNINGS_TOTAL) {
                    warnings.add("[Audit] " + (warned.size() - warnings.size()) + " more findings; see the Trustplane ledger");
                    break;
                }
                total += w.length();
                warnings.add(w);
            }
        }
        if (withPatch && !denied && !evaluation.pins().isEmpty()) {
            ArrayNode patch = JSON.createArrayNode();
            for (Evaluation.Pin pin : evaluation.pins()) {
                ObjectNode test = patch.addObject();
                test.put("op", "test");
                test.put("path", pin.pointer());
                test.put("value", pin.from());
                ObjectNode op = patch.addObject();
                op.put("op", "replace");
                op.put("path", pin.pointer());
                op.put("value", pin.image());
            }
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The answer for a request Trustplane does not evaluate (DELETE, CONNECT, a kind without pods): allowed. */
    public static byte[] allowed(String uid) {
        return of(uid, new Evaluation(List.of(), List.of()), false);
    }
}
