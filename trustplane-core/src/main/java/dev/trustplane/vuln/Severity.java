package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.Locale;

/** Finding severities, lowest first. */
public enum Severity {
    UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL;

    public static Severity parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unknown severity '" + text + "'; use one of"
                    + " negligible, low, medium, high, critical", e);
        }
    }

    /**
     * Debian urgency → severity (docs/vulnerability-scanning.md): high → HIGH, medium → MEDIUM,
     * low → LOW, unimportant → NEGLIGIBLE (Debian's word for "no security impact in Debian", which
     * grype calls Negligible and trivy LOW), not yet assigned and end-of-life → UNKNOWN.
     */
    public static Severity ofUrgency(String urgency) {
        return switch (urgency) {
            case "high" -> HIGH;
            case "medium" -> MEDIUM;
            case "low" -> LOW;
            case "unimportant" -> NEGLIGIBLE;
            default -> UNKNOWN;
        };
    }
}
