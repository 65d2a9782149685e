package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.io.Json;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.VerificationReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a verification report means for one attestor: null when it satisfies it, else
 * "FAIL:…" (nothing verified, or a condition does not hold) or "ERROR:…" (the evidence could not
 * all be read) with the reason a decision shows.
 */
final class EvidenceVerdicts {
    private static final ObjectMapper JSON = Json.mapper();

    private EvidenceVerdicts() {
    }

    /** The predicate of the first verified statement of {@code report}, or null. */
    static JsonNode firstPredicate(VerificationReport report) {
        for (Evidence e : report.verified()) {
            try {
                return JSON.readTree(e.statement()).path("predicate");
            } catch (IOException | RuntimeException ex) {
                return null;
            }
        }
        return null;
    }

    static String signatureFailure(VerificationReport report) {
        if (report.anyVerified()) {
            return null;
        }
        if (!report.problems().isEmpty()) {
            return "ERROR:could not read all evidence (" + String.join("; ", report.problems()) + ")";
        }
        if (report.evidence().isEmpty()) {
            return "FAIL:no signature found";
        }
        return "FAIL:" + summary(report.evidence());
    }

    static String attestationFailure(VerificationReport report, List<Conditions.Block> conditions) {
        List<Evidence> verified = report.verified();
        if (verified.isEmpty()) {
            if (!report.problems().isEmpty()) {
                return "ERROR:could not read all evidence (" + String.join("; ", report.problems()) + ")";
            }
            if (report.evidence().isEmpty()) {
                return "FAIL:no attestation found";
            }
            return "FAIL:" + summary(report.evidence());
        }
        for (Evidence e : verified) {
            JsonNode predicate;
            try {
                predicate = JSON.readTree(e.statement()).path("predicate");
            } catch (IOException | RuntimeException ex) {
                return "FAIL:the statement of " + e.location() + " is not JSON";
            }
            String why;
            try {
                why = Conditions.evaluate(conditions, predicate);
            } catch (RuntimeException ex) {
                return "FAIL:a condition could not be evaluated on " + e.location() + ": " + ex.getMessage();
            }
            if (why != null) {
                return "FAIL:the verified attestation " + e.location() + " does not satisfy the conditions: " + why;
            }
        }
        return null;
    }

    private static String summary(List<Evidence> evidence) {
        List<String> parts = new ArrayList<>();
        for (Evidence e : evidence.subList(0, Math.min(3, evidence.size()))) {
            Check c = e.failure().orElse(null);
            parts.add(e.format().label() + " " + e.location() + (c == null ? "" : " failed at " + c.stage() + ": " + c.detail()));
        }
        return evidence.size() + " found, none verified (" + String.join("; ", parts)
                + (evidence.size() > 3 ? "; …" : "") + ")";
    }
}
