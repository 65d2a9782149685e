package dev.trustplane.vuln;

import java.util.Objects;

/**
 * A Debian binary package to match: its name and version, the source package and version it was
 * built from (the tracker is keyed by source and its fixed versions are source versions) and the
 * release (codename) whose tracker records apply.
 */
public record ScannedPackage(String name, String version, String architecture, String source,
        String sourceVersion, String release) {
    public ScannedPackage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        source = source == null || source.isBlank() ? name : source;
        sourceVersion = sourceVersion == null || sourceVersion.isBlank() ? version : sourceVersion;
    }
}
