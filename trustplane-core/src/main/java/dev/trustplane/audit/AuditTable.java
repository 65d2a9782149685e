package dev.trustplane.audit;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The audit as plain text for a terminal: every section, the remediation order cut to its first rows. */
public final class AuditTable {
    private AuditTable() {
    }

    public static String render(AuditReport r, int top) {
        StringBuilder s = new StringBuilder();
        s.append("Audit of ").append(r.workloads().size()).append(" workloads over ").append(r.images().size())
                .append(" images (").append(r.source()).append(", ").append(r.takenAt()).append(")\n");
        s.append("Grades: ").append(r.grades()).append("  Signing: ").append(r.signingStates()).append('\n');
        if (r.trend() != null) {
            s.append("Since ").append(r.trend().previous()).append(": ").append(r.trend().better()).append(" better, ")
                    .append(r.trend().worse()).append(" worse, ").append(r.trend().added()).append(" new, ")
                    .append(r.trend().gone()).append(" gone\n");
            for (AuditReport.Change c : r.trend().changes().subList(0, Math.min(10, r.trend().changes().size()))) {
                s.append("  ").append(c.workload()).append(": ").append(c.from() == null ? "new" : c.from())
                        .append(" → ").append(c.to() == null ? "gone" : c.to()).append('\n');
            }
        }
        s.append("\nORIGIN × SIGNING (images)\n");
        s.append(String.format(Locale.ROOT, "%-28s %9s %11s %9s %8s%n", "ORIGIN", "VERIFIED", "UNVERIFIED", "UNSIGNED",
                "UNKNOWN"));
        for (Map.Entry<String, Map<String, Integer>> row : r.originBySigning().entrySet()) {
            Map<String, Integer> c = row.getValue();
            s.append(String.format(Locale.ROOT, "%-28s %9d %11d %9d %8d%n", clip(row.getKey(), 28), c.get("VERIFIED"),
                    c.get("UNVERIFIED"), c.get("UNSIGNED"), c.get("UNKNOWN")));
        }
        s.append("\nCVES BY SIGNING STATE\n");
        s.append(String.format(Locale.ROOT, "%-11s %7s %8s %7s %6s %7s %9s%n", "STATE", "IMAGES", "SCANNED", "MEAN",
                "MAX", "TOTAL", "CRITICAL"));
        for (AuditReport.Accumulation a : r.cveBySigning()) {
            s.append(String.format(Locale.ROOT, "%-11s %7d %8d %7.1f %6d %7d %9d%n", a.state().toLowerCase(Locale.ROOT),
                    a.digests(), a.scanned(), a.mean(), a.max(), a.total(), a.critical()));
        }
        groups(s, "COMPLIANCE SCOPE", r.scopes());
        groups(s, "TEAM", r.teams());
        s.append("\nPATCH AGE (images by days behind a newer build)\n");
        r.patchAge().forEach((bucket, n) -> s.append(String.format(Locale.ROOT, "  %-14s %6d%n", bucket, n)));
        s.append(String.format(Locale.ROOT, "%nREMEDIATION ORDER%n%-4s %-5s %-6s %-44s %-12s %s%n", "#", "GRADE", "SCORE",
                "WORKLOAD", "SCOPE", "FIRST REASON"));
        int rank = 0;
        for (WorkloadAudit w : r.workloads()) {
            if (++rank > top) {
                s.append("… ").append(r.workloads().size() - top).append(" more (-o json or -o html for all)\n");
                break;
            }
            s.append(String.format(Locale.ROOT, "%-4d %-5s %-6d %-44s %-12s %s%n", rank, w.grade(), w.score(),
                    clip(w.label(), 44), String.join(",", w.compliance()), w.reasons().isEmpty() ? "-"
                            : clip(w.reasons().get(0).text(), 110)));
        }
        return s.toString();
    }

    private static void groups(StringBuilder s, String title, List<AuditReport.Group> groups) {
        s.append('\n').append(title).append('\n');
        s.append(String.format(Locale.ROOT, "%-24s %10s %11s %12s %9s %13s%n", "NAME", "WORKLOADS", "MEAN SCORE",
                "GRADE D/F", "CRITICAL", "NOT VERIFIED"));
        for (AuditReport.Group g : groups) {
            s.append(String.format(Locale.ROOT, "%-24s %10d %11.1f %12d %9d %13d%n", clip(g.name(), 24), g.workloads(),
                    g.meanScore(), g.failing(), g.critical(), g.unverified()));
        }
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
