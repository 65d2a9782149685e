package dev.trustplane.catalog;

import dev.trustplane.builder.Lockfile;
import dev.trustplane.vuln.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a catalog image needs: nothing (up to date), a first build (new), a rebuild (changed:
 * which packages move from which version to which, which CVEs that fixes), or attention (failed:
 * the spec does not parse or no longer resolves).
 *
 * @param lock the lock the image resolves to now (null when it failed)
 */
public record ImagePlan(Catalog.Entry image, Status status, Lockfile lock, boolean specChanged,
        List<PackageChange> changes, List<CveFix> fixes, String problem) {

    public enum Status { UP_TO_DATE, NEW, CHANGED, FAILED }

    /** One binary package moving between versions, on the architectures and variants listed. */
    public record PackageChange(String name, String from, String to, String source, String sourceFrom,
            String sourceTo, Set<String> architectures, Set<String> variants) {
        public PackageChange {
            architectures = new TreeSet<>(architectures);
            variants = new TreeSet<>(variants);
        }
    }

    /** A CVE the change fixes: in {@code source}, installed {@code from}, fixed in {@code fixedVersion}, moving to {@code to}. */
    public record CveFix(String cve, Severity severity, String source, String from, String fixedVersion, String to,
            List<String> binaries) {
        public CveFix {
            binaries = List.copyOf(binaries);
        }
    }

    public ImagePlan {
        changes = List.copyOf(changes);
        fixes = List.copyOf(fixes);
    }

    /** Whether {@code catalog update} rebuilds this image. */
    public boolean rebuild() {
        return status == Status.NEW || status == Status.CHANGED;
    }

    /** Why, in one line: e.g. "fixes CVE-2026-1234 (high) in libssl3; 2 packages change". */
    public String why() {
        return switch (status) {
            case UP_TO_DATE -> "up to date: the archive offers nothing newer for its packages";
            case FAILED -> problem;
            case NEW -> "not built yet: no lockfile beside the spec";
            case CHANGED -> {
                List<String> parts = new ArrayList<>();
                if (!fixes.isEmpty()) {
                    List<String> named = new ArrayList<>();
                    for (CveFix f : fixes.subList(0, Math.min(3, fixes.size()))) {
                        named.add(f.cve() + " (" + f.severity().name().toLowerCase(Locale.ROOT) + ") in "
                                + String.join(", ", f.binaries()));
                    }
                    parts.add("fixes " + String.join(", ", named)
                            + (fixes.size() > 3 ? " and " + (fixes.size() - 3) + " more" : ""));
                }
                if (!changes.isEmpty()) {
                    parts.add(changes.size() + (changes.size() == 1 ? " package changes" : " packages change"));
                }
                if (specChanged) {
                    parts.add("the spec changed since it was locked");
                }
                yield String.join("; ", parts);
            }
        };
    }

    /** The highest severity fixed, UNKNOWN when none. */
    public Severity highest() {
        return fixes.stream().map(CveFix::severity).max(Severity::compareTo).orElse(Severity.UNKNOWN);
    }
}
