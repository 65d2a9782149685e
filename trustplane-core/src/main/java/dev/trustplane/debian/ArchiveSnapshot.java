package dev.trustplane.debian;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the archives offered at one moment: each suite's verified release and a package pool per architecture. */
public record ArchiveSnapshot(List<SuiteRelease> releases, Map<String, PackagePool> pools) {
    public ArchiveSnapshot {
        releases = List.copyOf(releases);
        pools = Map.copyOf(pools);
    }

    /** The newest {@code Date} among the releases: a reproducible SOURCE_DATE_EPOCH for what was resolved. */
    public Instant newestRelease() {
        return releases.stream().map(r -> r.release().date()).max(Instant::compareTo).orElse(Instant.EPOCH);
    }
}
