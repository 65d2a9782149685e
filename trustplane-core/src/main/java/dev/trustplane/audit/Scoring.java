package dev.trustplane.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remediation rule (ADR 013), additive points then multipliers, every step a reason:
 * per distinct image a workload runs — abandoned base, unsigned / unverifiable / unknown signing,
 * a repository whose origin did not sign it, critical and high CVEs (more with a fix), unknown
 * vulnerabilities, days behind a newer build; per workload — each kind of open drift finding, and
 * regulated data on an image no trusted signer vouches for; then ×1.5 in production and ×1.25 in
 * a compliance scope. Grades: A 0, B ≤ 15, C ≤ 40, D ≤ 80, F above. Weights are configurable.
 */
final class Scoring {
    static final Map<String, Integer> DEFAULT_WEIGHTS;

    static {
        Map<String, Integer> w = new LinkedHashMap<>();
        w.put("abandoned", 40);
        w.put("unsigned", 25);
        w.put("unverified", 20);
        w.put("signingUnknown", 15);
        w.put("originMismatch", 15);
        w.put("criticalFixable", 15);
        w.put("critical", 8);
        w.put("highFixable", 5);
        w.put("vulnerabilitiesUnknown", 10);
        w.put("behind30Days", 10);
        w.put("behind90Days", 20);
        w.put("regulatedUnverified", 40);
        w.put("revokedSigner", 30);
        w.put("tagMoved", 20);
        w.put("digestDrift", 15);
        w.put("policyRegression", 15);
        w.put("notAdmitted", 10);
        w.put("breakGlass", 5);
        w.put("productionPercent", 150);
        w.put("compliancePercent", 125);
        DEFAULT_WEIGHTS = Map.copyOf(w);
    }

    private final Map<String, Integer> w;

    Scoring(Map<String, Integer> weights) {
        this.w = weights;
    }

    record Scored(int score, String grade, List<WorkloadAudit.Reason> reasons) {
    }

    Scored score(List<ImageAudit> images, List<WorkloadAudit.Finding> findings, List<String> compliance,
            String environment, Instant now) {
        List<WorkloadAudit.Reason> reasons = new ArrayList<>();
        boolean unvouched = false;
        for (ImageAudit i : images) {
            String name = i.images().isEmpty() ? i.digest() : i.images().get(0);
            if (i.abandoned() != null) {
                add(reasons, "abandoned", 1, "abandoned base: " + name + " — " + i.abandoned());
            }
            switch (i.signing().state()) {
                case UNSIGNED -> add(reasons, "unsigned", 1, name + " is unsigned");
                case UNVERIFIED -> add(reasons, "unverified", 1, name + " is signed but no signature verifies ("
                        + i.signing().detail() + ")");
                case UNKNOWN -> add(reasons, "signingUnknown", 1, "signing of " + name + " is unknown ("
                        + i.signing().detail() + ")");
                default -> {
                }
            }
            if (i.signing().state() != ImageAudit.SigningState.VERIFIED) {
                unvouched = true;
            } else if (i.signing().mismatch() != null) {
                add(reasons, "originMismatch", 1, name + " lives in " + i.signing().mismatch() + "'s repositories but"
                        + " no signer of " + i.signing().mismatch() + " verified it");
                unvouched = true;
            }
            ImageAudit.Vulnerabilities v = i.vulnerabilities();
            if (!v.known()) {
                add(reasons, "vulnerabilitiesUnknown", 1, "vulnerabilities of " + name + " unknown (" + v.note() + ")");
            } else {
                int criticalUnfixed = v.critical() - v.criticalFixable();
                if (v.criticalFixable() > 0) {
                    add(reasons, "criticalFixable", Math.min(3, v.criticalFixable()), v.criticalFixable()
                            + " critical CVE(s) with a fix in " + name + worst(v));
                }
                if (criticalUnfixed > 0) {
                    add(reasons, "critical", Math.min(3, criticalUnfixed), criticalUnfixed
                            + " critical CVE(s) without a fix in " + name + (v.criticalFixable() > 0 ? "" : worst(v)));
                }
                if (v.highFixable() > 0) {
                    add(reasons, "highFixable", Math.min(5, v.highFixable()), v.highFixable()
                            + " high CVE(s) with a fix in " + name);
                }
            }
            long behind = i.behindDays(now);
            if (behind > 90) {
                add(reasons, "behind90Days", 1, name + " is " + behind + " days behind a newer build ("
                        + i.newerDigest() + ")");
            } else if (behind > 30) {
                add(reasons, "behind30Days", 1, name + " is " + behind + " days behind a newer build ("
                        + i.newerDigest() + ")");
            }
        }
        for (WorkloadAudit.Finding f : findings) {
            String rule = switch (f.kind()) {
                case "REVOKED_SIGNER" -> "revokedSigner";
                case "TAG_MOVED" -> "tagMoved";
                case "DIGEST_DRIFT" -> "digestDrift";
                case "POLICY_REGRESSION" -> "policyRegression";
                case "NOT_ADMITTED" -> "notAdmitted";
                default -> "breakGlass";
            };
            add(reasons, rule, 1, "open drift finding " + f.kind() + ": " + f.message());
        }
        if (!compliance.isEmpty() && unvouched) {
            add(reasons, "regulatedUnverified", 1, "regulated data (" + String.join(", ", compliance)
                    + ") on an image no trusted signer vouches for");
        }
        double score = reasons.stream().mapToDouble(WorkloadAudit.Reason::points).sum();
        if (score > 0 && "production".equals(environment)) {
            double f = w.get("productionPercent") / 100.0;
            reasons.add(new WorkloadAudit.Reason("productionPercent", f, "×" + f + " production"));
            score *= f;
        }
        if (score > 0 && !compliance.isEmpty()) {
            double f = w.get("compliancePercent") / 100.0;
            reasons.add(new WorkloadAudit.Reason("compliancePercent", f, "×" + f + " compliance scope "
                    + String.join(", ", compliance)));
            score *= f;
        }
        int rounded = (int) Math.round(score);
        return new Scored(rounded, grade(rounded), reasons);
    }

    private void add(List<WorkloadAudit.Reason> reasons, String rule, int times, String text) {
        int points = w.get(rule) * times;
        if (points > 0) {
            reasons.add(new WorkloadAudit.Reason(rule, points, text));
        }
    }

    private static String worst(ImageAudit.Vulnerabilities v) {
        return v.worst().isEmpty() ? "" : " (" + String.join(", ", v.worst().subList(0, Math.min(3, v.worst().size())))
                + ")";
    }

    static String grade(int score) {
        return score == 0 ? "A" : score <= 15 ? "B" : score <= 40 ? "C" : score <= 80 ? "D" : "F";
    }
}
