package dev.trustplane.vuln;

import dev.trustplane.debian.DebianVersion;
import dev.trustplane.sbom.ScannedPackage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Matches installed Debian packages against the tracker with Debian's semantics: records are
 * looked up by source package and release; versions compare as dpkg does; {@code fixed_version}
 * {@code "0"} means never affected; {@code nodsa} and end-of-life mean "won't fix"; urgency
 * {@code unimportant} is reported apart.
 */
public final class Matcher {
    private final VulnDb db;
    private final Map<String, Severity> severities;

    public Matcher(VulnDb db) {
        this(db, Map.of());
    }

    /** {@code severities} overrides the urgency → severity mapping per urgency (e.g. unimportant → LOW). */
    public Matcher(VulnDb db, Map<String, Severity> severities) {
        this.db = db;
        this.severities = Map.copyOf(severities);
    }

    /** Every verdict, including NOT_AFFECTED ones (callers filter). */
    public List<Finding> match(List<ScannedPackage> packages) {
        List<Finding> findings = new ArrayList<>();
        for (ScannedPackage p : packages) {
            if (!p.debian() || p.release() == null) {
                continue;
            }
            DebianVersion installed;
            try {
                installed = DebianVersion.parse(p.sourceVersion());
            } catch (RuntimeException e) {
                continue;
            }
            for (TrackerEntry e : db.entries(p.release(), p.source())) {
                findings.add(verdict(p, installed, e, severities.getOrDefault(e.urgency(),
                        Severity.ofUrgency(e.urgency()))));
            }
        }
        findings.sort(Comparator.comparing((Finding f) -> f.severity()).reversed()
                .thenComparing(Finding::vulnerability).thenComparing(f -> f.pkg().name()));
        return findings;
    }

    /** Whether {@code version} is a Debian version the matcher can compare (a package with one that is not is counted apart). */
    static boolean parses(String version) {
        if (version == null) {
            return false;
        }
        try {
            DebianVersion.parse(version);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Finding verdict(ScannedPackage p, DebianVersion installed, TrackerEntry e, Severity severity) {
        String fixed = e.fixedVersion();
        if ("0".equals(fixed)) {
            return finding(p, e, Verdict.NOT_AFFECTED, severity, null, e.release() + " was never affected");
        }
        Verdict verdict;
        String reason;
        if (e.status() == TrackerEntry.Status.RESOLVED && fixed != null) {
            if (installed.compareTo(DebianVersion.parse(fixed)) >= 0) {
                return finding(p, e, Verdict.NOT_AFFECTED, severity, fixed, "fixed in " + fixed + ", installed "
                        + p.sourceVersion());
            }
            verdict = Verdict.FIXED_IN_NEWER;
            reason = "installed " + p.sourceVersion() + " < fixed " + fixed;
        } else if (e.urgency().equals("end-of-life")) {
            verdict = Verdict.WONT_FIX;
            reason = "the package is no longer supported in " + e.release() + " (end-of-life)";
        } else if (e.nodsa()) {
            verdict = Verdict.WONT_FIX;
            reason = "no DSA" + (e.nodsaReason().isEmpty() ? "" : " (" + e.nodsaReason() + ")");
        } else if (e.status() == TrackerEntry.Status.UNDETERMINED) {
            verdict = Verdict.AFFECTED_NO_FIX;
            reason = "not yet triaged by Debian (undetermined)";
        } else {
            verdict = Verdict.AFFECTED_NO_FIX;
            reason = "open in " + e.release() + ", no fix released";
        }
        if (e.urgency().equals("unimportant")) {
            return finding(p, e, Verdict.UNIMPORTANT, severity,
                    verdict == Verdict.FIXED_IN_NEWER ? fixed : null, reason + "; Debian rates it unimportant");
        }
        return finding(p, e, verdict, severity, verdict == Verdict.FIXED_IN_NEWER ? fixed : null, reason);
    }

    private static Finding finding(ScannedPackage p, TrackerEntry e, Verdict v, Severity s, String fixed,
            String reason) {
        return new Finding(p, e.cve(), v, s, fixed, reason, e.recordId(), e.description(), "debian");
    }
}
