package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When a scan fails ({@code --fail-on}): a comma-separated list of conditions, any of which fails
 * it — a severity ({@code high}: a finding at or above it), {@code kev} (a finding in CISA's Known
 * Exploited Vulnerabilities catalog) and {@code epss>=P} (a finding whose EPSS probability is at
 * least P, 0–1). Findings Debian rates unimportant never count.
 */
public record FailOn(Severity severity, boolean kev, double epss) {

    public static FailOn parse(String text) {
        Severity severity = null;
        boolean kev = false;
        double epss = Double.NaN;
        List<String> unknown = new ArrayList<>();
        for (String raw : text.split(",")) {
            String c = raw.strip().toLowerCase(Locale.ROOT);
            if (c.equals("kev")) {
                kev = true;
            } else if (c.startsWith("epss>=")) {
                try {
                    epss = Double.parseDouble(c.substring(6));
                } catch (NumberFormatException e) {
                    epss = -1;
                }
                if (!(epss >= 0 && epss <= 1)) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--fail-on " + raw.strip()
                            + ": the EPSS threshold must be a probability from 0 to 1, e.g. epss>=0.1");
                }
            } else {
                try {
                    severity = Severity.valueOf(c.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    unknown.add(raw.strip());
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--fail-on: unknown condition " + String.join(", ",
                    unknown) + "; use a severity (negligible, low, medium, high, critical), kev, or epss>=P");
        }
        return new FailOn(severity, kev, epss);
    }

    /** The findings of {@code report} that fail it (empty: it passes). */
    public List<Finding> failing(ScanReport report) {
        return report.findings().stream().filter(f -> f.verdict() != Verdict.UNIMPORTANT).filter(f ->
                severity != null && f.severity().compareTo(severity) >= 0
                        || kev && f.intel().kev()
                        || !Double.isNaN(epss) && f.intel().hasEpss() && f.intel().epss() >= epss).toList();
    }
}
