package dev.trustplane.vuln;

import java.time.Instant;
import java.util.List;

/**
 * One OSV advisory (schema 1.6) as far as matching needs it: id, aliases, summary, the CVSS
 * vector and its base score (NaN when none), when it was last modified (null when not given), and
 * what it affects.
 */
record OsvRecord(String id, List<String> aliases, String summary, String cvssVector, double cvssScore,
        Instant modified, List<Affected> affected) {

    public OsvRecord {
        aliases = List.copyOf(aliases);
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

    /** The CVE this advisory is about, when it is one or names one as alias. */
    public String cve() {
        if (id.startsWith("CVE-")) {
            return id;
        }
        if (id.startsWith("DEBIAN-CVE-")) {
            return id.substring("DEBIAN-".length());
        }
        return aliases.stream().filter(a -> a.startsWith("CVE-")).findFirst().orElse(null);
    }
}
