package dev.trustplane.cli;

import dev.trustplane.vuln.Finding;
import dev.trustplane.vuln.ScanReport;
import dev.trustplane.vuln.Severity;
import dev.trustplane.vuln.Vex;
import java.io.PrintWriter;
import java.util.Map;

/** {@code scan}'s table: the summary line, one row per finding, what VEX suppressed. */
final class ScanTable {
    private ScanTable() {
    }

    static void print(ScanReport report, PrintWriter out) {
        out.println(report.subject() + " (" + report.sbomFormat() + ", " + report.packages() + " packages; "
                + "database taken " + report.oldestFeed() + ")");
        if (report.findings().isEmpty()) {
            out.println("No vulnerabilities (" + report.notAffected() + " tracker records say not affected)");
            suppressed(report, out);
            return;
        }
        StringBuilder summary = new StringBuilder();
        for (Map.Entry<Severity, Integer> e : report.counts().entrySet()) {
            summary.append(summary.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        out.println(report.findings().size() + " findings: " + summary + " (" + report.notAffected()
                + " records say not affected)");
        out.printf("%-10s %-18s %-22s %-26s %-26s %s%n", "SEVERITY", "VULNERABILITY", "PACKAGE", "INSTALLED",
                "FIXED IN", "VERDICT");
        for (Finding f : report.findings()) {
            out.printf("%-10s %-18s %-22s %-26s %-26s %s%n", f.severity(), f.vulnerability(), f.pkg().name(),
                    f.pkg().version(), f.fixedVersion() == null ? "-" : f.fixedVersion(),
                    f.verdict().label() + " (" + f.reason() + ")");
        }
        suppressed(report, out);
    }

    private static void suppressed(ScanReport report, PrintWriter out) {
        if (report.suppressed().isEmpty()) {
            return;
        }
        out.println("Suppressed by VEX (" + report.suppressed().size() + "):");
        for (Vex.Applied a : report.suppressed()) {
            out.println("  " + a.finding().vulnerability() + " " + a.finding().pkg().name() + ": "
                    + a.statement().status() + (a.statement().justification() == null ? ""
                    : " (" + a.statement().justification() + ")") + " — " + a.statement().document());
        }
    }
}
