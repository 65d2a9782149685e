package dev.trustplane.debian;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One binary package as a verified {@code Packages} index describes it, with where it came from.
 * Relations are parsed lazily by the resolver from the raw fields.
 */
public record BinaryPackage(
        String name,
        DebianVersion version,
        String architecture,
        String multiArch,
        String source,
        String sourceVersion,
        String depends,
        String preDepends,
        String provides,
        String conflicts,
        String breaks,
        boolean essential,
        String priority,
        String filename,
        long size,
        String sha256,
        PackageOrigin origin) {

    public BinaryPackage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(origin, "origin");
        multiArch = multiArch == null ? "no" : multiArch;
        source = source == null || source.isBlank() ? name : source;
        sourceVersion = sourceVersion == null ? version.toString() : sourceVersion;
    }

    /** Pre-Depends and Depends together: what must be installed. */
    public List<List<Relation>> requirements() {
        List<List<Relation>> all = new ArrayList<>(Relation.parseField(preDepends));
        all.addAll(Relation.parseField(depends));
        return all;
    }

    public List<Relation> provided() {
        return Relation.parseField(provides).stream().map(l -> l.get(0)).toList();
    }

    public String id() {
        return name + "=" + version + ":" + architecture;
    }
}
