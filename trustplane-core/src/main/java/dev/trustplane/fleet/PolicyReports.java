package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Findings as {@code wgpolicyk8s.io/v1alpha2} PolicyReports — one per namespace, named
 * {@value #NAME} — so policy-reporter and anything else that reads Kyverno's reports shows them.
 * Each finding is a result of policy {@value #NAME} with its kind as the rule, the workload as the
 * resource, {@code fail} (BREAK_GLASS: {@code warn}; suppressed: {@code skip}) and the finding's
 * fields as properties.
 */
public final class PolicyReports {
    /** The reports' name and the policy their results name. */
    public static final String NAME = "trustplane-drift";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private PolicyReports() {
    }

    /** One report per namespace with findings (namespaces without findings get none). */
    public static List<ObjectNode> of(List<Finding> findings, Instant at) {
        Map<String, List<Finding>> byNamespace = new TreeMap<>();
        findings.stream().filter(f -> f.status() != Finding.Status.RESOLVED)
                .forEach(f -> byNamespace.computeIfAbsent(f.namespace(), k -> new ArrayList<>()).add(f));
        List<ObjectNode> reports = new ArrayList<>();
        byNamespace.forEach((namespace, list) -> reports.add(report(namespace, list, at)));
        return reports;
    }

    /** An empty report for {@code namespace}: what replaces one whose findings were all resolved. */
    public static ObjectNode empty(String namespace, Instant at) {
        return report(namespace, List.of(), at);
    }

    private static ObjectNode report(String namespace, List<Finding> findings, Instant at) {
        ObjectNode report = JSON.objectNode().put("apiVersion", "wgpolicyk8s.io/v1alpha2").put("kind", "PolicyReport");
        ObjectNode meta = report.putObject("metadata").put("name", NAME).put("namespace", namespace);
        meta.putObject("labels").put("app.kubernetes.io/managed-by", "trustplane");
        int fail = 0;
        int warn = 0;
        int skip = 0;
        ArrayNode results = JSON.arrayNode();
        for (Finding f : findings) {
            String result = f.status() == Finding.Status.SUPPRESSED ? "skip"
                    : f.kind() == FindingKind.BREAK_GLASS ? "warn" : "fail";
            switch (result) {
                case "skip" -> skip++;
                case "warn" -> warn++;
                default -> fail++;
            }
            ObjectNode r = results.addObject().put("policy", NAME).put("rule", f.kind().name()).put("result", result)
                    .put("severity", severity(f.kind())).put("category", "Supply chain").put("source", "trustplane")
                    .put("message", f.message());
            r.putObject("timestamp").put("seconds", (f.lastSeen() == null ? at : f.lastSeen()).getEpochSecond())
                    .put("nanos", 0);
            r.putArray("resources").addObject().put("apiVersion", apiVersion(f.workloadKind()))
                    .put("kind", f.workloadKind()).put("name", f.workload()).put("namespace", f.namespace());
            ObjectNode p = r.putObject("properties");
            p.put("id", f.id());
            p.put("container", f.container());
            put(p, "image", f.image());
            put(p, "runningDigest", f.runningDigest());
            put(p, "admittedDigest", f.admittedDigest());
            put(p, "tagDigest", f.tagDigest());
            if (!f.signers().isEmpty()) {
                p.put("signers", String.join("; ", f.signers()));
            }
            if (f.firstSeen() != null) {
                p.put("firstSeen", f.firstSeen().toString());
            }
            if (f.status() == Finding.Status.SUPPRESSED) {
                p.put("suppressed", f.suppressedReason() + " (until " + f.suppressedUntil() + ")");
            }
        }
        report.putObject("summary").put("pass", 0).put("fail", fail).put("warn", warn).put("error", 0).put("skip", skip);
        report.set("results", results);
        return report;
    }

    private static void put(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    static String severity(FindingKind kind) {
        return switch (kind) {
            case REVOKED_SIGNER, TAG_MOVED -> "critical";
            case DIGEST_DRIFT, NOT_ADMITTED -> "high";
            case POLICY_REGRESSION -> "medium";
            case BREAK_GLASS -> "info";
        };
    }

    static String apiVersion(String kind) {
        return switch (kind) {
            case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet" -> "apps/v1";
            case "Job", "CronJob" -> "batch/v1";
            default -> "v1";
        };
    }
}
