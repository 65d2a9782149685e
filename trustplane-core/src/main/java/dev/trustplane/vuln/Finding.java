package dev.trustplane.vuln;

import dev.trustplane.sbom.ScannedPackage;

/**
 * One (package, vulnerability) verdict with its reason and the feed record that produced it.
 * {@code fixedVersion} is the version that fixes it, when there is one. {@code severitySource} says
 * where the severity came from ({@code debian} urgency, {@code osv} CVSS, {@code nvd} CVSS; null
 * when it is UNKNOWN); {@code intel} is what the CVE database knows of it (CVSS, KEV, EPSS).
 */
public record Finding(ScannedPackage pkg, String vulnerability, Verdict verdict, Severity severity,
        String fixedVersion, String reason, String record, String description, String severitySource,
        CveIntel intel) {

    public Finding {
        intel = intel == null ? CveIntel.none(vulnerability) : intel;
        severitySource = severity == Severity.UNKNOWN ? null : severitySource;
    }

    public Finding(ScannedPackage pkg, String vulnerability, Verdict verdict, Severity severity, String fixedVersion,
            String reason, String record, String description, String severitySource) {
        this(pkg, vulnerability, verdict, severity, fixedVersion, reason, record, description, severitySource, null);
    }

    Finding withIntel(CveIntel value, Severity newSeverity, String newSource) {
        return new Finding(pkg, vulnerability, verdict, newSeverity, fixedVersion, reason, record, description,
                newSource, value);
    }
}
