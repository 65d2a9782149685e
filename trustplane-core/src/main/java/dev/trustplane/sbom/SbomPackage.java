package dev.trustplane.sbom;

import dev.trustplane.debian.Copyright;
import java.util.List;

/** A package as SBOMs record it: identity, origin, the SHA256 of its .deb, licenses and what it depends on. */
public record SbomPackage(String name, String version, String architecture, String source, String sourceVersion,
        String debSha256, String purl, List<Copyright.License> licenses, List<String> dependsOn) {
    public SbomPackage {
        licenses = List.copyOf(licenses);
        dependsOn = List.copyOf(dependsOn);
    }
}
