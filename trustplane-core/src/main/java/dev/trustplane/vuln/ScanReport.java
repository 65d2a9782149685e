package dev.trustplane.vuln;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of a scan: what was scanned, the affected findings (after filters and VEX), how many
 * records said "not affected", what VEX suppressed and why, and the database the verdicts came from.
 */
public record ScanReport(String subject, String sbomFormat, int packages, List<Finding> findings, int notAffected,
        List<Vex.Applied> suppressed, List<String> warnings, List<Source> sources, Unseen unseen) {

    /**
     * What the report does not show, counted so that nothing disappears silently: packages whose
     * version does not parse (not matched), findings hidden by a filter (Debian's "unimportant"
     * without {@code --show-unimportant}, unfixed ones under {@code --ignore-unfixed}), packages of a
     * release the database does not hold, and feed records skipped at import.
     */
    public record Unseen(int unparseableVersions, int hiddenUnimportant, int hiddenUnfixed, int unknownRelease,
            int skippedRecords) {
        public static final Unseen NONE = new Unseen(0, 0, 0, 0, 0);

        public boolean any() {
            return unparseableVersions + hiddenUnimportant + hiddenUnfixed + unknownRelease + skippedRecords > 0;
        }
    }

    /** A feed the verdicts came from, and when it was taken. */
    public record Source(String feed, String file, Instant takenAt) {
    }

    public ScanReport {
        findings = List.copyOf(findings);
        suppressed = List.copyOf(suppressed);
        warnings = List.copyOf(warnings);
        sources = List.copyOf(sources);
    }

    /** When the oldest feed used was taken. */
    public Instant oldestFeed() {
        return sources.stream().map(Source::takenAt).min(Instant::compareTo)
                .orElse(Instant.EPOCH);
    }

    /** Affected findings per severity, highest first. */
    public Map<Severity, Integer> counts() {
        Map<Severity, Integer> counts = new TreeMap<>(Comparator.reverseOrder());
        for (Finding f : findings) {
            counts.merge(f.severity(), 1, Integer::sum);
        }
        return counts;
    }

    /** Whether any finding is at or above {@code threshold} (UNIMPORTANT ones never count). */
    public boolean failsAt(Severity threshold) {
        return findings.stream().anyMatch(f -> f.verdict() != Verdict.UNIMPORTANT
                && f.severity().compareTo(threshold) >= 0);
    }
}
