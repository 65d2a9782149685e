package dev.trustplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.Outcome;
import dev.trustplane.io.Json;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.VerificationReportJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Prints a verification report as text (one line per signature, the failing stage named) or JSON. */
final class VerificationOutput {
    private static final ObjectMapper JSON = Json.pretty();

    private VerificationOutput() {
    }

    /** Prints the report and returns the exit code: 0 when something verified, 12 otherwise. */
    static int print(VerificationReport report, VerifyOptions.Output format, CliContext ctx) {
        if (format == VerifyOptions.Output.JSON) {
            try {
                ctx.out().println(JSON.writeValueAsString(VerificationReportJson.of(report)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            text(report, ctx.out(), ctx.err());
        }
        return report.anyVerified() ? ExitCode.OK.code() : ExitCode.UNVERIFIED.code();
    }

    private static void text(VerificationReport report, PrintWriter out, PrintWriter err) {
        String what = report.kind() == Evidence.Kind.SIGNATURE ? "signature" : "attestation";
        // as cosign filters by --type: attestations of other types are summed up, not listed as failures
        List<Evidence> otherTypes = report.evidence().stream().filter(VerificationOutput::otherType).toList();
        List<Evidence> shown = report.evidence().stream().filter(e -> !otherType(e)).toList();
        for (Evidence e : shown) {
            String status = e.verified() ? "VERIFIED" : e.failure().map(c -> c.status().name()).orElse("FAIL");
            StringBuilder line = new StringBuilder().append(String.format("%-8s %-23s %s", status, e.format().label(),
                    e.location()));
            if (e.predicateType() != null && report.kind() == Evidence.Kind.ATTESTATION) {
                line.append("  ").append(e.predicateType());
            }
            if (e.verified()) {
                line.append("  signer ").append(e.signer());
            } else {
                e.failure().ifPresent(c -> line.append("\n         stage ").append(c.stage()).append(": ")
                        .append(c.detail()));
            }
            e.checks().stream().filter(c -> c.status() == Outcome.SKIP).forEach(c -> line.append("\n         ")
                    .append(c.stage()).append(" skipped: ").append(c.detail()));
            out.println(line);
        }
        for (String p : report.problems()) {
            err.println("warning: " + p);
        }
        if (!otherTypes.isEmpty()) {
            Map<String, Long> byType = otherTypes.stream().collect(Collectors.groupingBy(
                    e -> e.predicateType() == null ? "unknown type" : e.predicateType(), TreeMap::new,
                    Collectors.counting()));
            out.println(otherTypes.size() + " " + what + (otherTypes.size() == 1 ? "" : "s") + " of other types not"
                    + " checked further: " + byType.entrySet().stream().map(t -> t.getKey() + (t.getValue() > 1
                    ? " ×" + t.getValue() : "")).collect(Collectors.joining(", ")));
        }
        long ok = shown.stream().filter(Evidence::verified).count();
        if (shown.isEmpty()) {
            boolean file = report.evidence().stream().anyMatch(e -> e.format() == Evidence.Format.BUNDLE_FILE
                    || e.format() == Evidence.Format.DETACHED_SIGNATURE);
            out.println("No " + what + (otherTypes.isEmpty() ? "" : " of that type") + " found for " + report.image()
                    + "@" + report.digest() + (file ? " in the bundle given"
                    : " (looked for the cosign tag, referrers and bundles)"));
        } else {
            out.println(ok + " of " + shown.size() + " " + what + (shown.size() == 1 ? "" : "s")
                    + " verified for " + report.image() + "@" + report.digest());
        }
    }

    /** An attestation refused only because its predicate type is not the one asked for. */
    private static boolean otherType(Evidence e) {
        return e.kind() == Evidence.Kind.ATTESTATION && !e.verified()
                && e.failure().map(c -> c.stage().equals("type")).orElse(false);
    }
}
