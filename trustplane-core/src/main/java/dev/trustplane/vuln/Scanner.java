package dev.trustplane.vuln;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The scanning entry point: packages from an SBOM in, a {@link ScanReport} out. */
public final class Scanner {
    private final VulnDb db;

    /** {@code ignoreUnfixed} drops findings without a fix; {@code maxAge} is the feed age that warns. */
    public record Options(boolean ignoreUnfixed, boolean showUnimportant, Duration maxAge, Vex vex,
            java.util.Map<String, Severity> severities) {
        public Options {
            severities = java.util.Map.copyOf(severities);
        }

        public Options(boolean ignoreUnfixed, boolean showUnimportant, Duration maxAge) {
            this(ignoreUnfixed, showUnimportant, maxAge, Vex.none(), java.util.Map.of());
        }
    }

    public Scanner(VulnDb db) {
        this.db = db;
    }

    public ScanReport scan(String subject, SbomReader.Result input, Options options, Instant now) {
        List<String> warnings = new ArrayList<>();
        Set<String> unknownReleases = new LinkedHashSet<>();
        int withoutRelease = 0;
        for (ScannedPackage p : input.packages()) {
            if (p.release() == null) {
                withoutRelease++;
            } else if (!db.knowsRelease(p.release())) {
                unknownReleases.add(p.release());
            }
        }
        if (input.packages().isEmpty()) {
            warnings.add("the SBOM lists no Debian packages (pkg:deb purls); nothing was matched");
        }
        if (withoutRelease > 0) {
            warnings.add(withoutRelease + " package(s) name no Debian release (no distro qualifier or operating"
                    + " system in the SBOM) and were not matched; pass --release CODENAME");
        }
        if (!unknownReleases.isEmpty()) {
            warnings.add("the database has no records for " + String.join(", ", unknownReleases)
                    + "; packages of that release were not matched");
        }
        if (db.info().age(now).compareTo(options.maxAge()) > 0) {
            warnings.add("the vulnerability database was taken " + db.info().takenAt() + ", more than "
                    + options.maxAge().toDays() + " days ago; import a fresh feed with `trustplane db import`");
        }
        List<Finding> affected = new ArrayList<>();
        int notAffected = 0;
        for (Finding f : new Matcher(db, options.severities()).match(input.packages())) {
            if (!f.verdict().affected()) {
                notAffected++;
            } else if (f.verdict() == Verdict.UNIMPORTANT && !options.showUnimportant()) {
                continue;
            } else if (options.ignoreUnfixed() && f.verdict() != Verdict.FIXED_IN_NEWER) {
                continue;
            } else {
                affected.add(f);
            }
        }
        Map<Boolean, List<Vex.Applied>> vexed = options.vex().apply(affected);
        List<Finding> kept = vexed.get(true).stream().map(Vex.Applied::finding).toList();
        return new ScanReport(subject, input.format(), input.packages().size(), kept, notAffected, vexed.get(false),
                warnings, db.info());
    }
}
