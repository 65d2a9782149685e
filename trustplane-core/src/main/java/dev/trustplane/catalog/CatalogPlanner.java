package dev.trustplane.catalog;

import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.builder.ImageSpec;
import dev.trustplane.builder.LockedPackage;
import dev.trustplane.builder.Lockfile;
import dev.trustplane.debian.ArchiveSnapshot;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.vuln.VulnDb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans a catalog update: every spec is resolved again against the signed archives (one snapshot
 * shared by the specs of the same archives) and compared with its lockfile. An image whose
 * resolution is unchanged is up to date — the same lock gives the same digest, so rebuilding it
 * would publish nothing new. For a changed one the plan names each package's move and the CVEs
 * the vulnerability database says those moves fix.
 */
public final class CatalogPlanner {
    private final ImageBuilder builder;
    private final VulnDb db;

    /** {@code db} may be null: the plan then names package changes without the CVEs they fix. */
    public CatalogPlanner(ImageBuilder builder, VulnDb db) {
        this.builder = builder;
        this.db = db;
    }

    /** Plans in catalog order; specs of one archive set are resolved together, one snapshot in memory at a time. */
    public List<ImagePlan> plan(Catalog catalog) {
        Map<String, List<Catalog.Entry>> groups = new LinkedHashMap<>();
        Map<Catalog.Entry, ImagePlan> plans = new IdentityHashMap<>();
        for (Catalog.Entry e : catalog.images()) {
            if (e.spec() == null) {
                plans.put(e, failed(e, e.problem()));
            } else {
                groups.computeIfAbsent(e.spec().archives() + " " + e.spec().keyring() + " "
                        + e.spec().architectures(), k -> new ArrayList<>()).add(e);
            }
        }
        for (List<Catalog.Entry> group : groups.values()) {
            ArchiveSnapshot snapshot;
            try {
                snapshot = builder.snapshot(group.get(0).spec());
            } catch (TrustplaneException ex) {
                group.forEach(e -> plans.put(e, failed(e, "cannot read its archives: " + ex.getMessage())));
                continue;
            }
            for (Catalog.Entry e : group) {
                try {
                    plans.put(e, compare(e, builder.lock(e.spec(), snapshot, e.lock()), db));
                } catch (TrustplaneException ex) {
                    plans.put(e, failed(e, "no longer resolves: " + ex.getMessage()
                            + "; fix the spec (a package may have been removed or renamed)"));
                }
            }
        }
        return catalog.images().stream().map(plans::get).toList();
    }

    private static ImagePlan failed(Catalog.Entry e, String problem) {
        return new ImagePlan(e, ImagePlan.Status.FAILED, null, false, List.of(), List.of(), problem);
    }

    /** The plan for an image whose spec now resolves to {@code now}. */
    static ImagePlan compare(Catalog.Entry e, Lockfile now, VulnDb db) {
        Lockfile old = e.lock();
        if (old == null) {
            return new ImagePlan(e, ImagePlan.Status.NEW, now, false, List.of(), List.of(), null);
        }
        boolean specChanged = !old.specSha256().equals(now.specSha256());
        Map<String, ImagePlan.PackageChange> changes = new TreeMap<>();
        for (String arch : now.packages().keySet()) {
            for (String variant : now.packages().get(arch).keySet()) {
                Map<String, LockedPackage> before = byName(old.packages().getOrDefault(arch, Map.of())
                        .getOrDefault(variant, List.of()));
                Map<String, LockedPackage> after = byName(now.packages().get(arch).get(variant));
                Set<String> names = new TreeSet<>(before.keySet());
                names.addAll(after.keySet());
                for (String name : names) {
                    LockedPackage b = before.get(name);
                    LockedPackage a = after.get(name);
                    if (b != null && a != null && b.sha256().equals(a.sha256())) {
                        continue;
                    }
                    String from = b == null ? null : b.version();
                    String to = a == null ? null : a.version();
                    LockedPackage any = a != null ? a : b;
                    String k = name + " " + from + " " + to;
                    ImagePlan.PackageChange c = changes.get(k);
                    Set<String> archs = new TreeSet<>(c == null ? Set.of() : c.architectures());
                    Set<String> variants = new TreeSet<>(c == null ? Set.of() : c.variants());
                    archs.add(arch);
                    variants.add(variant);
                    changes.put(k, new ImagePlan.PackageChange(name, from, to, any.source(),
                            b == null ? null : b.sourceVersion(), a == null ? null : a.sourceVersion(), archs,
                            variants));
                }
            }
        }
        List<ImagePlan.CveFix> fixes = db == null ? List.of() : fixes(now.release(), changes.values(), db);
        boolean same = changes.isEmpty() && old.packages().keySet().equals(now.packages().keySet());
        if (same && !specChanged) {
            return new ImagePlan(e, ImagePlan.Status.UP_TO_DATE, now, false, List.of(), List.of(), null);
        }
        return new ImagePlan(e, ImagePlan.Status.CHANGED, now, specChanged, new ArrayList<>(changes.values()), fixes,
                null);
    }

    private static List<ImagePlan.CveFix> fixes(String release, Iterable<ImagePlan.PackageChange> changes,
            VulnDb db) {
        Map<String, List<String>> binaries = new LinkedHashMap<>();
        Map<String, String[]> moves = new LinkedHashMap<>();
        for (ImagePlan.PackageChange c : changes) {
            if (c.sourceFrom() == null || c.sourceTo() == null) {
                continue;
            }
            String k = c.source() + " " + c.sourceFrom() + " " + c.sourceTo();
            moves.put(k, new String[] {c.source(), c.sourceFrom(), c.sourceTo()});
            List<String> names = binaries.computeIfAbsent(k, x -> new ArrayList<>());
            if (!names.contains(c.name())) {
                names.add(c.name());
            }
        }
        Map<String, ImagePlan.CveFix> out = new TreeMap<>();
        for (Map.Entry<String, String[]> m : moves.entrySet()) {
            String[] v = m.getValue();
            for (VulnDb.Fix f : db.fixedBetween(release, v[0], v[1], v[2])) {
                out.putIfAbsent(f.cve() + " " + v[0], new ImagePlan.CveFix(f.cve(), f.severity(), v[0], v[1],
                        f.fixedVersion(), v[2], binaries.get(m.getKey())));
            }
        }
        List<ImagePlan.CveFix> sorted = new ArrayList<>(out.values());
        sorted.sort((x, y) -> x.severity() != y.severity() ? y.severity().compareTo(x.severity())
                : x.cve().compareTo(y.cve()));
        return sorted;
    }

    private static Map<String, LockedPackage> byName(List<LockedPackage> packages) {
        Map<String, LockedPackage> m = new HashMap<>();
        for (LockedPackage p : packages) {
            m.put(p.name(), p);
        }
        return m;
    }
}
