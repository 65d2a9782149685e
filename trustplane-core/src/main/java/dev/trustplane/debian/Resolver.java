package dev.trustplane.debian;

import dev.trustplane.error.EditDistance;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the dependency closure of requested packages over a {@link PackagePool}: Pre-Depends
 * and Depends, alternatives in order, versioned constraints, virtual packages through Provides,
 * the newest version across suites (so a security update wins), then conflict detection
 * (Conflicts and Breaks). Recommends are not installed, as in minimal images.
 */
public final class Resolver {
    private final PackagePool pool;
    private final Map<String, BinaryPackage> selected = new TreeMap<>();
    private final Map<String, String> neededBy = new HashMap<>();
    private final Map<String, List<String>> edges = new TreeMap<>();

    private final Set<String> withoutDependencies;

    public Resolver(PackagePool pool) {
        this(pool, Set.of());
    }

    /** {@code withoutDependencies}: packages installed for their files only (like distroless's CA bundle). */
    public Resolver(PackagePool pool, Set<String> withoutDependencies) {
        this.pool = pool;
        this.withoutDependencies = Set.copyOf(withoutDependencies);
    }

    /** A requested package: a name and optionally an exact version pin ({@code name=version}). */
    public record Request(String name, DebianVersion pin) {
        public static Request parse(String text) {
            int eq = text.indexOf('=');
            return eq < 0 ? new Request(text.strip(), null)
                    : new Request(text.substring(0, eq).strip(), DebianVersion.parse(text.substring(eq + 1)));
        }

        @Override
        public String toString() {
            return pin == null ? name : name + "=" + pin;
        }
    }

    public Resolution resolve(List<Request> requests) {
        Deque<BinaryPackage> queue = new ArrayDeque<>();
        for (Request request : requests) {
            Relation wanted = request.pin() == null ? new Relation(request.name(), null, null, null)
                    : new Relation(request.name(), null, Relation.Op.EQ, request.pin());
            BinaryPackage existing = selected.get(request.name());
            if (existing != null) {
                continue;
            }
            BinaryPackage chosen = best(wanted).orElseGet(() -> provider(wanted).orElseThrow(() -> unknown(request)));
            select(chosen, null, queue);
        }
        while (!queue.isEmpty()) {
            BinaryPackage pkg = queue.poll();
            List<String> deps = new ArrayList<>();
            if (withoutDependencies.contains(pkg.name())) {
                edges.put(pkg.name(), List.of());
                continue;
            }
            for (List<Relation> group : pkg.requirements()) {
                deps.add(satisfy(pkg, group, queue));
            }
            edges.put(pkg.name(), deps.stream().distinct().sorted().toList());
        }
        checkConflicts();
        return new Resolution(pool.architecture(), new ArrayList<>(selected.values()), edges);
    }

    private void select(BinaryPackage pkg, String parent, Deque<BinaryPackage> queue) {
        selected.put(pkg.name(), pkg);
        if (parent != null) {
            neededBy.put(pkg.name(), parent);
        }
        queue.add(pkg);
    }

    /** Returns the name of the package that satisfies the group, selecting one if needed. */
    private String satisfy(BinaryPackage pkg, List<Relation> group, Deque<BinaryPackage> queue) {
        for (Relation r : group) {
            Optional<String> already = satisfiedBySelected(r);
            if (already.isPresent()) {
                return already.get();
            }
        }
        for (Relation r : group) {
            if (selected.containsKey(r.name()) && !pool.versions(r.name()).isEmpty()) {
                continue;
            }
            Optional<BinaryPackage> real = best(r);
            if (real.isPresent()) {
                select(real.get(), pkg.name(), queue);
                return real.get().name();
            }
            Optional<BinaryPackage> virtual = provider(r);
            if (virtual.isPresent()) {
                select(virtual.get(), pkg.name(), queue);
                return virtual.get().name();
            }
        }
        throw unsatisfiable(pkg, group);
    }

    private Optional<String> satisfiedBySelected(Relation r) {
        BinaryPackage p = selected.get(r.name());
        if (p != null && r.satisfiedBy(p.version())) {
            return Optional.of(p.name());
        }
        for (BinaryPackage q : selected.values()) {
            for (Relation provided : q.provided()) {
                if (provided.name().equals(r.name()) && (r.op() == null || r.satisfiedBy(provided.version()))) {
                    return Optional.of(q.name());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<BinaryPackage> best(Relation r) {
        return pool.versions(r.name()).stream().filter(p -> r.satisfiedBy(p.version())).findFirst();
    }

    private Optional<BinaryPackage> provider(Relation r) {
        return pool.providersOf(r.name()).stream()
                .filter(p -> p.provided().stream().anyMatch(
                        v -> v.name().equals(r.name()) && (r.op() == null || r.satisfiedBy(v.version()))))
                .min(Comparator.comparing((BinaryPackage p) -> !"required".equals(p.priority()))
                        .thenComparing(p -> !"important".equals(p.priority())));
    }

    private void checkConflicts() {
        for (BinaryPackage p : selected.values()) {
            List<List<Relation>> against = new ArrayList<>(Relation.parseField(p.conflicts()));
            against.addAll(Relation.parseField(p.breaks()));
            for (List<Relation> group : against) {
                for (Relation r : group) {
                    BinaryPackage q = selected.get(r.name());
                    if (q != null && q != p && r.satisfiedBy(q.version())) {
                        throw conflict(p, r, q);
                    }
                    if (r.op() == null) {
                        for (BinaryPackage other : selected.values()) {
                            if (other != p && other.provided().stream().anyMatch(v -> v.name().equals(r.name()))) {
                                throw conflict(p, r, other);
                            }
                        }
                    }
                }
            }
        }
    }

    private String chain(String name) {
        List<String> chain = new ArrayList<>();
        String current = name;
        while (current != null && chain.size() < 64) {
            BinaryPackage p = selected.get(current);
            chain.add(0, p == null ? current : p.name() + " " + p.version());
            current = neededBy.get(current);
        }
        return String.join(" → ", chain);
    }

    private TrustplaneException unknown(Request request) {
        String suites = String.join(", ", pool.suites());
        if (!pool.versions(request.name()).isEmpty()) {
            List<String> versions = pool.versions(request.name()).stream().map(p -> p.version().toString())
                    .distinct().toList();
            return new TrustplaneException(ErrorKind.NOT_FOUND, "Package " + request.name() + " has no version "
                    + request.pin() + " for " + pool.architecture() + " in " + suites + "; available: "
                    + String.join(", ", versions) + " — change the pin in the image spec");
        }
        List<String> close = closeNames(request.name());
        return new TrustplaneException(ErrorKind.NOT_FOUND, "Package " + request.name() + " is not in " + suites
                + " for " + pool.architecture()
                + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?")
                + " — fix `packages:` in the image spec or add the suite that has it");
    }

    private TrustplaneException unsatisfiable(BinaryPackage pkg, List<Relation> group) {
        StringBuilder why = new StringBuilder();
        for (Relation r : group) {
            BinaryPackage sel = selected.get(r.name());
            List<BinaryPackage> versions = pool.versions(r.name());
            why.append(why.isEmpty() ? "" : "; ").append(r).append(": ");
            if (sel != null) {
                why.append(sel.version()).append(" is already selected (needed by ").append(chain(sel.name()))
                        .append(")");
            } else if (versions.isEmpty() && pool.providersOf(r.name()).isEmpty()) {
                why.append("no such package");
            } else {
                why.append("available ").append(String.join(", ",
                        versions.stream().map(v -> v.version().toString()).distinct().toList()));
            }
        }
        return new TrustplaneException(ErrorKind.NOT_FOUND, "Cannot satisfy '" + group.stream()
                .map(Relation::toString).reduce((a, b) -> a + " | " + b).orElse("") + "' for " + pool.architecture()
                + " in " + String.join(", ", pool.suites()) + ", needed by " + chain(pkg.name()) + " (" + why
                + ") — pin other versions or add the suite that has them");
    }

    private TrustplaneException conflict(BinaryPackage p, Relation r, BinaryPackage q) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "Packages conflict: " + chain(p.name())
                + " declares Conflicts/Breaks '" + r + "' but " + chain(q.name())
                + " is selected — remove one of them from the image spec");
    }

    private List<String> closeNames(String name) {
        TreeSet<String> close = new TreeSet<>(Comparator.comparing((String n) -> EditDistance.of(n, name))
                .thenComparing(n -> n));
        for (String n : pool.names()) {
            if (Math.abs(n.length() - name.length()) <= 3 && EditDistance.of(n, name) <= 2) {
                close.add(n);
            } else if (n.startsWith(name) && n.length() <= name.length() + 4) {
                close.add(n);
            }
        }
        return close.stream().limit(5).toList();
    }
}
