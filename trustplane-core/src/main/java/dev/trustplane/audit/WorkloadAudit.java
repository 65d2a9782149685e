package dev.trustplane.audit;

import java.util.List;

/**
 * One workload in the audit: who owns it, its compliance scope and environment, what it runs,
 * its open drift findings, and its place in the remediation order with the reasons.
 */
public record WorkloadAudit(String namespace, String kind, String name, String team, List<String> compliance,
        String environment, List<Container> containers, List<Finding> findings, int score, String grade,
        List<Reason> reasons) {

    public WorkloadAudit {
        compliance = List.copyOf(compliance);
        containers = List.copyOf(containers);
        findings = List.copyOf(findings);
        reasons = List.copyOf(reasons);
    }

    /** {@code Kind namespace/name}. */
    public String label() {
        return kind + " " + namespace + "/" + name;
    }

    public record Container(String container, String image, String digest, String note) {
    }

    public record Finding(String kind, String message) {
    }

    /** A contribution to the score: points (or a factor for multipliers) and what it is for. */
    public record Reason(String rule, double points, String text) {
    }
}
