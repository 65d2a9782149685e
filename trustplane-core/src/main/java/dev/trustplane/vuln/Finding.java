package dev.trustplane.vuln;

import dev.trustplane.sbom.ScannedPackage;
import java.util.ArrayList;
import java.util.List;

/**
 * One (package, vulnerability) verdict with its reason and the feed record that produced it.
 * {@code fixedVersion} is the version that fixes it, when there is one. {@code severitySource} says
 * where the severity came from ({@code debian} urgency, {@code osv} CVSS, {@code nvd} CVSS; null
 * when it is UNKNOWN); {@code intel} is what the CVE database knows of it (CVSS, KEV, EPSS); {@code aliases} the
 * Debian advisories (DSA, DLA, DTSA) that name it.
 */
public record Finding(ScannedPackage pkg, String vulnerability, Verdict verdict, Severity severity,
        String fixedVersion, String reason, String record, String description, String severitySource,
        CveIntel intel, List<String> aliases) {

    public Finding {
        intel = intel == null ? CveIntel.NONE : intel;
        severitySource = severity == Severity.UNKNOWN ? null : severitySource;
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    public Finding(ScannedPackage pkg, String vulnerability, Verdict verdict, Severity severity, String fixedVersion,
            String reason, String record, String description, String severitySource) {
        this(pkg, vulnerability, verdict, severity, fixedVersion, reason, record, description, severitySource, null,
                List.of());
    }

    Finding withIntel(CveIntel value, Severity newSeverity, String newSource) {
        return new Finding(pkg, vulnerability, verdict, newSeverity, fixedVersion, reason, record, description,
                newSource, value, aliases);
    }

    /** This finding with {@code more} advisory ids among its aliases (each once). */
    Finding withAliases(List<String> more) {
        List<String> all = new ArrayList<>(aliases);
        more.stream().filter(a -> !all.contains(a) && !a.equals(vulnerability)).forEach(all::add);
        return new Finding(pkg, vulnerability, verdict, severity, fixedVersion, reason, record, description,
                severitySource, intel, all);
    }
}
