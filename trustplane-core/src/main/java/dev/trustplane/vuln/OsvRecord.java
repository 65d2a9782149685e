package dev.trustplane.vuln;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One OSV advisory (schema 1.6) as far as matching needs it: id, aliases, summary, the CVSS
 * vector and its base score (NaN when none), when it was last modified (null when not given), and
 * what it affects.
 */
record OsvRecord(String id, List<String> aliases, List<String> upstream, String summary, String cvssVector,
        double cvssScore, Instant modified, List<Affected> affected) {

    public OsvRecord {
        aliases = List.copyOf(aliases);
        upstream = List.copyOf(upstream);
        affected = List.copyOf(affected);
    }

    /** One {@code affected[]} entry: package (ecosystem, name), ranges and explicit versions. */
    public record Affected(String ecosystem, String name, List<Range> ranges, List<String> versions) {
        public Affected {
            ranges = List.copyOf(ranges);
            versions = List.copyOf(versions);
        }
    }

    /** A range of type ECOSYSTEM, SEMVER or GIT with its events in order. */
    public record Range(String type, List<Event> events) {
        public Range {
            events = List.copyOf(events);
        }
    }

    /** {@code introduced}, {@code fixed}, {@code last_affected} or {@code limit} and its version. */
    public record Event(String kind, String version) {
    }

    /** Severity from the CVSS base score: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low; unknown otherwise. */
    public Severity severity() {
        if (Double.isNaN(cvssScore)) {
            return Severity.UNKNOWN;
        }
        return cvssScore >= 9 ? Severity.CRITICAL : cvssScore >= 7 ? Severity.HIGH : cvssScore >= 4 ? Severity.MEDIUM
                : cvssScore > 0 ? Severity.LOW : Severity.NEGLIGIBLE;
    }

    /**
     * The CVEs this advisory is about: itself when it is one ({@code CVE-…}, {@code DEBIAN-CVE-…}),
     * else its CVE aliases, else the CVEs it names as {@code upstream} (a DSA or DLA fixes the CVEs
     * it lists there). Empty when it names none.
     */
    public List<String> cves() {
        if (id.startsWith("CVE-")) {
            return List.of(id);
        }
        if (id.startsWith("DEBIAN-CVE-")) {
            return List.of(id.substring("DEBIAN-".length()));
        }
        List<String> fromAliases = aliases.stream().filter(a -> a.startsWith("CVE-")).toList();
        if (!fromAliases.isEmpty()) {
            return fromAliases;
        }
        return upstream.stream().filter(a -> a.startsWith("CVE-")).distinct().toList();
    }

    /** The Debian advisory ids this record is or names (DSA, DLA, DTSA), for findings' aliases. */
    public List<String> advisories() {
        List<String> out = new ArrayList<>();
        for (String a : Stream.concat(Stream.of(id), aliases.stream()).toList()) {
            if (a.startsWith("DSA-") || a.startsWith("DLA-") || a.startsWith("DTSA-")) {
                out.add(a);
            }
        }
        return List.copyOf(out);
    }
}
