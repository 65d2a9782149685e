package dev.trustplane.debian;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every binary package installable on one architecture, from all configured suites: the
 * architecture's own packages and {@code Architecture: all} ones, with a lookup of who provides
 * which virtual package.
 */
public final class PackagePool {
    private final String architecture;
    private final List<String> suites;
    private final Map<String, List<BinaryPackage>> byName = new HashMap<>();
    private final Map<String, List<BinaryPackage>> providers = new HashMap<>();

    public PackagePool(String architecture, List<String> suites, Collection<BinaryPackage> packages) {
        this.architecture = architecture;
        this.suites = List.copyOf(suites);
        for (BinaryPackage p : packages) {
            if (!p.architecture().equals(architecture) && !p.architecture().equals("all")) {
                continue;
            }
            byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
            if (p.provides() != null) {
                for (Relation r : p.provided()) {
                    providers.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(p);
                }
            }
        }
        Comparator<BinaryPackage> newestFirst = Comparator.comparing(BinaryPackage::version).reversed()
                .thenComparing(p -> suiteRank(p.origin().suite()));
        byName.values().forEach(l -> l.sort(newestFirst));
        providers.values().forEach(l -> l.sort(Comparator.comparing(BinaryPackage::name).thenComparing(newestFirst)));
    }

    private int suiteRank(String suite) {
        int i = suites.indexOf(suite);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    public String architecture() {
        return architecture;
    }

    public List<String> suites() {
        return suites;
    }

    /** Versions of a real package, newest first. */
    public List<BinaryPackage> versions(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** Packages that declare {@code Provides: name}, by name then newest first. */
    public List<BinaryPackage> providersOf(String name) {
        return providers.getOrDefault(name, List.of());
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public int size() {
        return byName.values().stream().mapToInt(List::size).sum();
    }
}
