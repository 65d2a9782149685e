package dev.trustplane.vuln;

import dev.trustplane.sbom.ScannedPackage;

/**
 * One (package, vulnerability) verdict with its reason and the feed record that produced it.
 * {@code fixedVersion} is the version that fixes it, when there is one.
 */
public record Finding(ScannedPackage pkg, String vulnerability, Verdict verdict, Severity severity,
        String fixedVersion, String reason, String record, String description) {
}
