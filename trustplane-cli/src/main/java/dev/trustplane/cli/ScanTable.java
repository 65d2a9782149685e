package dev.trustplane.cli;

import dev.trustplane.vuln.Finding;
import dev.trustplane.vuln.ScanReport;
import dev.trustplane.vuln.Severity;
import dev.trustplane.vuln.Vex;
import java.io.PrintWriter;
import java.util.Locale;
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
            unseen(report, out);
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
                    f.verdict().label() + " (" + f.reason() + ")" + intel(f));
        }
        unseen(report, out);
        suppressed(report, out);
    }

    /** KEV membership and EPSS of a finding, and where a severity came from when not from Debian. */
    private static String intel(Finding f) {
        StringBuilder s = new StringBuilder();
        if ("nvd".equals(f.severitySource())) {
            s.append(" [severity: NVD CVSS ").append(f.intel().cvssScore()).append(']');
        }
        if (f.intel().kev()) {
            s.append(" [KEV since ").append(f.intel().kevDateAdded()).append(']');
        }
        if (f.intel().hasEpss()) {
            s.append(String.format(Locale.ROOT, " [EPSS %.3f]", f.intel().epss()));
        }
        return s.toString();
    }

    /** One line naming what the table does not show, when anything is not shown. */
    private static void unseen(ScanReport report, PrintWriter out) {
        ScanReport.Unseen u = report.unseen();
        if (!u.any()) {
            return;
        }
        StringBuilder line = new StringBuilder("Not shown:");
        append(line, u.hiddenUnimportant(), "unimportant (--show-unimportant)");
        append(line, u.hiddenUnfixed(), "without a fix (--ignore-unfixed)");
        append(line, u.unparseableVersions(), "package(s) with an unparseable version, not matched");
        append(line, u.unknownRelease(), "package(s) of a release the tracker database does not hold");
        append(line, u.skippedRecords(), "feed record(s) skipped at import");
        out.println(line);
    }

    private static void append(StringBuilder line, int n, String what) {
        if (n > 0) {
            line.append(line.charAt(line.length() - 1) == ':' ? " " : "; ").append(n).append(' ').append(what);
        }
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
