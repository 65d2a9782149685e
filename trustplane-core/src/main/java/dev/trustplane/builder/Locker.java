package dev.trustplane.builder;

import dev.trustplane.debian.ArchiveSnapshot;
import dev.trustplane.debian.BinaryPackage;
import dev.trustplane.debian.PackagePool;
import dev.trustplane.debian.Resolution;
import dev.trustplane.debian.Resolver;
import dev.trustplane.debian.SuiteRelease;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Resolves every architecture and variant of a spec against an archive snapshot into a {@link Lockfile}. */
final class Locker {
    private Locker() {
    }

    static Lockfile lock(ImageSpec spec, ArchiveSnapshot snapshot) {
        Map<String, Map<String, List<LockedPackage>>> all = new TreeMap<>();
        for (String arch : spec.architectures()) {
            PackagePool pool = snapshot.pools().get(arch);
            Map<String, List<LockedPackage>> byVariant = new LinkedHashMap<>();
            for (String variant : spec.variants()) {
                List<Resolver.Request> requests = spec.packages(variant).stream().map(Resolver.Request::parse).toList();
                Resolution resolution = new Resolver(pool, Set.copyOf(spec.withoutDependencies())).resolve(requests);
                List<LockedPackage> locked = new ArrayList<>();
                for (BinaryPackage p : resolution.packages()) {
                    locked.add(new LockedPackage(p.name(), p.version().toString(), p.architecture(), p.source(),
                            p.sourceVersion(), p.origin().archive(), p.origin().suite(), p.filename(), p.size(),
                            p.sha256(), resolution.dependencies().getOrDefault(p.name(), List.of())));
                }
                byVariant.put(variant, locked);
            }
            all.put(arch, byVariant);
        }
        List<Lockfile.Archive> archives = new ArrayList<>();
        for (SuiteRelease r : snapshot.releases()) {
            archives.add(new Lockfile.Archive(r.archive(), r.suite(), r.release().date().toString(),
                    r.inReleaseSha256()));
        }
        return new Lockfile(Lockfile.VERSION, spec.name(), spec.sha256(), spec.release(),
                snapshot.newestRelease().getEpochSecond(), archives, all);
    }
}
