package dev.trustplane.vuln;

import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The scanning entry point: packages from an SBOM in, a {@link ScanReport} out. */
public final class Scanner {
    private final VulnDb db;
    private final OsvDb osv;
    private IntelDb intel;

    /** {@code ignoreUnfixed} drops findings without a fix; {@code maxAge} is the feed age that warns. */
    public record Options(boolean ignoreUnfixed, boolean showUnimportant, Duration maxAge, Vex vex,
            Map<String, Severity> severities) {
        public Options {
            severities = Map.copyOf(severities);
        }

        public Options(boolean ignoreUnfixed, boolean showUnimportant, Duration maxAge) {
            this(ignoreUnfixed, showUnimportant, maxAge, Vex.none(), Map.of());
        }
    }

    public Scanner(VulnDb db) {
        this(db, null);
    }

    /** Either database may be null, not both: the tracker is authoritative for Debian, OSV adds the rest. */
    public Scanner(VulnDb db, OsvDb osv) {
        if (db == null && osv == null) {
            throw new IllegalArgumentException("no database");
        }
        this.db = db;
        this.osv = osv;
    }

    /**
     * Adds what {@code cves} knows (NVD CVSS, KEV, EPSS) to every finding; a finding whose severity
     * is UNKNOWN (Debian assigned no urgency and OSV no CVSS) takes NVD's. Null: none.
     */
    public Scanner withIntel(IntelDb cves) {
        this.intel = cves;
        return this;
    }

    public ScanReport scan(String subject, SbomReader.Result input, Options options, Instant now) {
        List<String> warnings = new ArrayList<>();
        Set<String> unknownReleases = new LinkedHashSet<>();
        int withoutRelease = 0;
        int unknownRelease = 0;
        List<String> unparseable = new ArrayList<>();
        for (ScannedPackage p : input.packages()) {
            if (!p.debian()) {
                continue;
            }
            if (p.release() == null) {
                withoutRelease++;
            } else if (db != null && !db.knowsRelease(p.release())) {
                unknownReleases.add(p.release());
                unknownRelease++;
            }
            if (p.release() != null && !Matcher.parses(p.sourceVersion())) {
                unparseable.add(p.name() + " " + p.sourceVersion());
            }
        }
        if (!unparseable.isEmpty()) {
            warnings.add(unparseable.size() + " package(s) have a version that is not a Debian version and were not"
                    + " matched: " + String.join(", ", unparseable.subList(0, Math.min(10, unparseable.size())))
                    + (unparseable.size() > 10 ? ", …" : ""));
        }
        if (db != null && db.info().skipped() > 0) {
            warnings.add("the tracker database left out " + db.info().skipped() + " record(s) of an unexpected shape"
                    + " at import (`trustplane db status`); findings they would give are missing");
        }
        if (input.packages().isEmpty()) {
            warnings.add("the SBOM lists no Debian packages (pkg:deb purls); nothing was matched");
        }
        if (withoutRelease > 0) {
            warnings.add(withoutRelease + " package(s) name no Debian release (no distro qualifier or operating"
                    + " system in the SBOM) and were not matched; pass --release CODENAME");
        }
        if (!unknownReleases.isEmpty()) {
            warnings.add("the tracker database has no records for " + String.join(", ", unknownReleases)
                    + " (it holds " + String.join(", ", db.info().releases()) + "); " + unknownRelease
                    + " package(s) of that release were not matched against it");
        }
        List<ScanReport.Source> sources = new ArrayList<>();
        if (db != null) {
            sources.add(new ScanReport.Source(db.info().feed(), db.info().file(), db.info().takenAt()));
        }
        if (osv != null) {
            sources.add(new ScanReport.Source("osv", osv.info().source(), osv.info().takenAt()));
        }
        if (intel != null) {
            intel.feeds().values().stream().sorted(Comparator.comparing(IntelDb.FeedInfo::feed)).forEach(f ->
                    sources.add(new ScanReport.Source(f.feed().name().toLowerCase(Locale.ROOT), f.file(),
                            f.takenAt())));
        }
        for (ScanReport.Source s : sources) {
            if (Duration.between(s.takenAt(), now).compareTo(options.maxAge()) > 0) {
                warnings.add("the " + s.feed() + " database was taken " + s.takenAt() + ", more than "
                        + options.maxAge().toDays() + " days ago; import a fresh feed with `trustplane db import`");
            }
        }
        List<Finding> all = new ArrayList<>(db == null ? List.of()
                : new Matcher(db, options.severities()).match(input.packages()));
        if (osv != null) {
            OsvMatcher osvMatcher = new OsvMatcher(osv);
            merge(all, osvMatcher.match(input.packages()));
            if (osvMatcher.skippedRanges() > 0) {
                warnings.add(osvMatcher.skippedRanges() + " OSV range(s) of ecosystems without a version order here"
                        + " were not evaluated; only explicit affected versions were matched");
            }
        }
        if (intel != null) {
            all.replaceAll(this::enrich);
        }
        all.sort(Comparator.comparing((Finding f) -> f.severity()).reversed()
                .thenComparing(Finding::vulnerability).thenComparing(f -> f.pkg().name()));
        List<Finding> affected = new ArrayList<>();
        int notAffected = 0;
        int hiddenUnimportant = 0;
        int hiddenUnfixed = 0;
        for (Finding f : all) {
            if (!f.verdict().affected()) {
                notAffected++;
            } else if (f.verdict() == Verdict.UNIMPORTANT && !options.showUnimportant()) {
                hiddenUnimportant++;
            } else if (options.ignoreUnfixed() && f.verdict() != Verdict.FIXED_IN_NEWER) {
                hiddenUnfixed++;
            } else {
                affected.add(f);
            }
        }
        Map<Boolean, List<Vex.Applied>> vexed = options.vex().apply(affected);
        List<Finding> kept = vexed.get(true).stream().map(Vex.Applied::finding).toList();
        return new ScanReport(subject, input.format(), input.packages().size(), kept, notAffected, vexed.get(false),
                warnings, sources, new ScanReport.Unseen(unparseable.size(), hiddenUnimportant, hiddenUnfixed,
                        unknownRelease, db == null ? 0 : db.info().skipped()));
    }

    private Finding enrich(Finding f) {
        return intel.get(f.vulnerability()).map(i -> {
            if (f.severity() == Severity.UNKNOWN && i.hasCvss()) {
                return f.withIntel(i, i.cvssSeverity(), "nvd");
            }
            return f.withIntel(i, f.severity(), f.severitySource());
        }).orElse(f);
    }

    /**
     * Adds OSV findings the tracker did not already decide: a (package, CVE) the tracker has a
     * record for keeps the tracker's verdict (the tracker wins, as documented), taking OSV's CVSS
     * severity when Debian assigned none and the advisory's DSA/DLA ids as aliases. OSV findings
     * come one per CVE (a DSA's {@code upstream} CVEs), so the merge is by CVE.
     */
    private static void merge(List<Finding> tracker, List<Finding> osv) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < tracker.size(); i++) {
            Finding f = tracker.get(i);
            index.put(f.pkg().type() + "/" + f.pkg().name() + "@" + f.pkg().version() + "/" + f.vulnerability(), i);
        }
        for (Finding f : osv) {
            String key = f.pkg().type() + "/" + f.pkg().name() + "@" + f.pkg().version() + "/" + f.vulnerability();
            Integer at = index.get(key);
            if (at == null) {
                index.put(key, tracker.size());
                tracker.add(f);
            } else {
                // The tracker decided this (package, CVE), whatever its verdict ("not affected" included):
                // the OSV record (a DSA or DLA through its upstream CVEs) only adds its advisory ids, and
                // its CVSS severity when Debian assigned none.
                Finding t = tracker.get(at).withAliases(f.aliases());
                if (t.severity() == Severity.UNKNOWN && f.severity() != Severity.UNKNOWN && t.verdict().affected()
                        && t.verdict() != Verdict.UNIMPORTANT) {
                    t = new Finding(t.pkg(), t.vulnerability(), t.verdict(), f.severity(), t.fixedVersion(),
                            t.reason() + "; severity from " + f.record(), t.record(), t.description(), "osv", null,
                            t.aliases());
                }
                tracker.set(at, t);
            }
        }
    }
}
