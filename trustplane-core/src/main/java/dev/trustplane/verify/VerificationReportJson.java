package dev.trustplane.verify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.io.IOException;
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
}
