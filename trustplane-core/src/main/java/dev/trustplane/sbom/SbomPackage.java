package dev.trustplane.sbom;

import dev.trustplane.debian.Copyright;
import java.util.List;

/**
 * A package as SBOMs record it: identity, origin, the SHA256 of its .deb, licenses and what it
 * depends on. Language packages found in images (npm, PyPI, Maven) have no source, architecture
 * or .deb; {@link #debian()} tells them apart.
 */
public record SbomPackage(String name, String version, String architecture, String source, String sourceVersion,
        String debSha256, String purl, List<Copyright.License> licenses, List<String> dependsOn) {
    public SbomPackage {
        licenses = List.copyOf(licenses);
        dependsOn = List.copyOf(dependsOn);
    }

    /** A language package identified by its purl only. */
    public static SbomPackage language(String name, String version, String purl) {
        return new SbomPackage(name, version, null, null, null, null, purl, List.of(), List.of());
    }

    public boolean debian() {
        return purl.startsWith("pkg:deb/");
    }
}
