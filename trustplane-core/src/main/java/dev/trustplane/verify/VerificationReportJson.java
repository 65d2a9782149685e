package dev.trustplane.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The JSON shape of a {@link VerificationReport}, the one every front end writes ({@code verify -o
 * json}, {@code verify-attestation -o json}, the server's API): image, digest, kind, verified, and
 * per piece of evidence its format, location, signer, each stage's status and the verified statement.
 */
public final class VerificationReportJson {
    private VerificationReportJson() {
    }

    public static ObjectNode of(VerificationReport report) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("image", report.image());
        root.put("digest", report.digest().toString());
        root.put("kind", report.kind().name().toLowerCase(Locale.ROOT));
        root.put("verified", report.anyVerified());
        ArrayNode list = root.putArray("evidence");
        for (Evidence e : report.evidence()) {
            ObjectNode n = list.addObject();
            n.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
            n.put("format", e.format().label());
            n.put("location", e.location());
            n.put("predicateType", e.predicateType());
            n.put("signer", e.signer());
            n.put("verified", e.verified());
            e.failure().ifPresent(c -> n.put("failedStage", c.stage()));
            ArrayNode checks = n.putArray("checks");
            for (Check c : e.checks()) {
                checks.addObject().put("stage", c.stage()).put("status", c.status().name()).put("detail", c.detail());
            }
            if (e.verified() && e.statement() != null) {
                try {
                    n.set("statement", Json.mapper().readTree(e.statement()));
                } catch (IOException ex) {
                    n.put("statement", "unreadable");
                }
            }
        }
        ArrayNode problems = root.putArray("problems");
        report.problems().forEach(problems::add);
        return root;
    }

    /**
     * Every field of {@code report}, losslessly (statements in base64, enums by name, whether every
     * place was read): what the shared verification cache stores (ADR 021).
     */
    public static ObjectNode stored(VerificationReport report) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("v", 1);
        root.put("image", report.image());
        root.put("digest", report.digest().toString());
        root.put("kind", report.kind().name());
        root.put("complete", report.complete());
        ArrayNode list = root.putArray("evidence");
        for (Evidence e : report.evidence()) {
            ObjectNode n = list.addObject();
            n.put("kind", e.kind().name()).put("format", e.format().name()).put("location", e.location())
                    .put("predicateType", e.predicateType()).put("signer", e.signer()).put("issuer", e.issuer())
                    .put("signedAt", e.signedAt() == null ? null : e.signedAt().toString())
                    .put("statement", e.statement() == null ? null : Base64.getEncoder().encodeToString(e.statement()));
            ArrayNode checks = n.putArray("checks");
            for (Check c : e.checks()) {
                checks.addObject().put("stage", c.stage()).put("status", c.status().name()).put("detail", c.detail());
            }
        }
        ArrayNode problems = root.putArray("problems");
        report.problems().forEach(problems::add);
        return root;
    }

    /** The report {@link #stored} wrote; throws {@link IllegalArgumentException} on anything else. */
    public static VerificationReport fromStored(JsonNode root) {
        if (root.path("v").asInt() != 1) {
            throw new IllegalArgumentException("not a stored verification report of version 1");
        }
        List<Evidence> evidence = new ArrayList<>();
        for (JsonNode n : root.path("evidence")) {
            List<Check> checks = new ArrayList<>();
            for (JsonNode c : n.path("checks")) {
                checks.add(new Check(text(c, "stage"), Outcome.valueOf(text(c, "status")), text(c, "detail")));
            }
            String statement = text(n, "statement");
            String signedAt = text(n, "signedAt");
            evidence.add(new Evidence(Evidence.Kind.valueOf(text(n, "kind")), Evidence.Format.valueOf(text(n, "format")),
                    text(n, "location"), text(n, "predicateType"), text(n, "signer"), checks,
                    statement == null ? null : Base64.getDecoder().decode(statement), text(n, "issuer"),
                    signedAt == null ? null : Instant.parse(signedAt)));
        }
        List<String> problems = new ArrayList<>();
        root.path("problems").forEach(p -> problems.add(p.asText()));
        boolean complete = root.path("complete").asBoolean(false);
        return new VerificationReport(text(root, "image"), Digest.parse(text(root, "digest")),
                Evidence.Kind.valueOf(text(root, "kind")), evidence, problems, () -> complete);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
