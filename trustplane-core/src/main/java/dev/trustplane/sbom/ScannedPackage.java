package dev.trustplane.sbom;

import java.util.Objects;

/**
 * A package to match. {@code type} is the purl type ({@code deb}, {@code npm}, {@code golang},
 * {@code maven}, {@code pypi}). For Debian packages: the source package and version they were
 * built from (the tracker is keyed by source and its fixed versions are source versions) and the
 * release (codename) whose records apply. Maven names are {@code group:artifact}.
 */
public record ScannedPackage(String type, String name, String version, String architecture, String source,
        String sourceVersion, String release) {
    public ScannedPackage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        source = source == null || source.isBlank() ? name : source;
        sourceVersion = sourceVersion == null || sourceVersion.isBlank() ? version : sourceVersion;
    }

    /** A Debian package ({@code pkg:deb}). */
    public ScannedPackage(String name, String version, String architecture, String source, String sourceVersion,
            String release) {
        this("deb", name, version, architecture, source, sourceVersion, release);
    }

    public boolean debian() {
        return type.equals("deb");
    }
}
