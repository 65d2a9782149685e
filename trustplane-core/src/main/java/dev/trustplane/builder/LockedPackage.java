package dev.trustplane.builder;

import dev.trustplane.sbom.Purls;
import java.util.List;

/** One package pinned by a lockfile, with everything needed to fetch and verify it again. */
public record LockedPackage(
        String name,
        String version,
        String architecture,
        String source,
        String sourceVersion,
        String archive,
        String suite,
        String filename,
        long size,
        String sha256,
        List<String> dependsOn) {

    public LockedPackage {
        dependsOn = List.copyOf(dependsOn);
    }

    /** The package URL (purl) as SBOMs and scanners spell it. */
    public String purl(String distro) {
        return Purls.deb("debian", name, version, architecture, distro, source, sourceVersion);
    }
}
