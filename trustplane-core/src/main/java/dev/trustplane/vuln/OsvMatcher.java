package dev.trustplane.vuln;

import dev.trustplane.debian.DebianReleases;
import dev.trustplane.debian.DebianVersion;
import dev.trustplane.sbom.ScannedPackage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Matches packages against OSV advisories: Debian packages by source package and release
 * ({@code Debian:12}) in dpkg order, npm and Go by SemVer, Maven by Maven's version order, PyPI by
 * PEP 440, and every ecosystem by an advisory's explicit {@code versions} list. Ranges of other
 * ecosystems are skipped and counted.
 */
final class OsvMatcher {

    private final OsvDb db;
    private int skippedRanges;

    public OsvMatcher(OsvDb db) {
        this.db = db;
    }

    /** Ranges that could not be evaluated (Maven or PyPI ECOSYSTEM ranges) in the last match. */
    public int skippedRanges() {
        return skippedRanges;
    }

    public List<Finding> match(List<ScannedPackage> packages) {
        skippedRanges = 0;
        List<Finding> findings = new ArrayList<>();
        for (ScannedPackage p : packages) {
            String ecosystem = ecosystem(p);
            if (ecosystem == null) {
                continue;
            }
            String name = p.debian() ? p.source() : p.name();
            String version = p.debian() ? p.sourceVersion() : p.version();
            for (OsvDb.Match m : db.entries(ecosystem, name)) {
                affected(m.affected(), version, ecosystem).ifPresent(fixed -> findings.addAll(findings(p, m.record(),
                        fixed)));
            }
        }
        return findings;
    }

    static String ecosystem(ScannedPackage p) {
        return switch (p.type()) {
            case "deb" -> p.release() == null ? null : DebianReleases.osvEcosystem(p.release()).orElse(null);
            case "npm" -> "npm";
            case "golang" -> "Go";
            case "maven" -> "Maven";
            case "pypi" -> "PyPI";
            default -> null;
        };
    }

    /** Empty when not affected; otherwise the fixing version, or "" when there is none. */
    Optional<String> affected(OsvRecord.Affected a, String version, String ecosystem) {
        if (a.versions().contains(version)) {
            return Optional.of(fixFor(a, version, ecosystem).orElse(""));
        }
        Comparator<String> order = order(ecosystem);
        for (OsvRecord.Range range : a.ranges()) {
            if (range.type().equals("GIT")) {
                continue;
            }
            if (order == null) {
                skippedRanges++;
                continue;
            }
            boolean affected = false;
            String fix = null;
            List<OsvRecord.Event> events = new ArrayList<>(range.events());
            events.sort((x, y) -> x.version().equals("0") ? (y.version().equals("0") ? 0 : -1)
                    : y.version().equals("0") ? 1 : safe(order, x.version(), y.version()));
            for (OsvRecord.Event e : events) {
                int c = e.version().equals("0") ? 1 : safe(order, version, e.version());
                switch (e.kind()) {
                    case "introduced" -> {
                        if (c >= 0) {
                            affected = true;
                            fix = null;
                        }
                    }
                    case "fixed" -> {
                        if (c >= 0) {
                            affected = false;
                        } else if (affected && fix == null) {
                            fix = e.version();
                        }
                    }
                    case "last_affected" -> {
                        if (c > 0) {
                            affected = false;
                        }
                    }
                    default -> {
                        if (c >= 0) {
                            affected = false;
                        }
                    }
                }
            }
            if (affected) {
                return Optional.of(fix == null ? "" : fix);
            }
        }
        return Optional.empty();
    }

    private Optional<String> fixFor(OsvRecord.Affected a, String version, String ecosystem) {
        Comparator<String> order = order(ecosystem);
        return a.ranges().stream().flatMap(r -> r.events().stream()).filter(e -> e.kind().equals("fixed"))
                .map(OsvRecord.Event::version)
                .filter(v -> order == null || safe(order, v, version) > 0)
                .min(order == null ? Comparator.naturalOrder() : order);
    }

    private static Comparator<String> order(String ecosystem) {
        if (ecosystem.startsWith("Debian:")) {
            return (x, y) -> DebianVersion.parse(x).compareTo(DebianVersion.parse(y));
        }
        return switch (ecosystem) {
            case "npm", "Go" -> Semver.ORDER;
            case "Maven" -> MavenVersion.ORDER;
            case "PyPI" -> Pep440.ORDER;
            default -> null;
        };
    }

    private static int safe(Comparator<String> order, String a, String b) {
        try {
            return order.compare(a, b);
        } catch (RuntimeException e) {
            return a.compareTo(b);
        }
    }

    /** One finding per CVE the advisory is about (a DSA fixing 5 CVEs gives 5), or one under its own id. */
    private static List<Finding> findings(ScannedPackage p, OsvRecord r, String fixed) {
        boolean hasFix = !fixed.isEmpty();
        List<String> ids = r.cves().isEmpty() ? List.of(r.id()) : r.cves();
        List<String> advisories = r.advisories();
        List<Finding> out = new ArrayList<>();
        for (String id : ids) {
            String reason = (hasFix ? "installed " + (p.debian() ? p.sourceVersion() : p.version()) + " < fixed "
                    + fixed : "no fixed version in the advisory") + (id.equals(r.id()) ? "" : "; advisory " + r.id())
                    + (r.cvssVector() == null ? "" : "; CVSS " + r.cvssScore() + " " + r.cvssVector());
            out.add(new Finding(p, id, hasFix ? Verdict.FIXED_IN_NEWER : Verdict.AFFECTED_NO_FIX, r.severity(),
                    hasFix ? fixed : null, reason, "osv:" + r.id(), r.summary(), "osv", null,
                    advisories.stream().filter(a -> !a.equals(id)).toList()));
        }
        return out;
    }
}
