package dev.trustplane.catalog;

import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.store.Store;
import dev.trustplane.vuln.VulnDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The server's patching loop ({@code serve --catalog}): on its interval it polls the archive
 * (cheap when nothing changed); when a suite published something new, on the first tick, or when
 * feedback asked for a rebuild, it plans and updates the catalog and rewrites the advisories.
 * Only the replica that leads (the Lease holder in cluster mode) runs it.
 */
public final class CatalogLoop {
    private final Path directory;
    private final CatalogStore store;
    private final ArchiveWatcher watcher;
    private final Function<VulnDb, CatalogPlanner> planners;
    private final Function<VulnDb, CatalogUpdater> updaters;
    private final Supplier<VulnDb> db;
    private final CatalogUpdater.Options options;
    private final Duration interval;
    private final BooleanSupplier leading;
    private final Clock clock;
    private final EventListener listener;
    private volatile Instant lastPoll;
    private volatile Rebuilder rebuilder;
    private boolean planned;
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastPollMillis = -1;
    private volatile long lastUpdateSeconds;

    /** Everything the loop needs, built once by the front end. */
    public record Setup(Path directory, CatalogStore store, ArchiveWatcher watcher,
            Function<VulnDb, CatalogPlanner> planners, Function<VulnDb, CatalogUpdater> updaters,
            Supplier<VulnDb> db, CatalogUpdater.Options options, Duration interval,
            BooleanSupplier leading) {
    }

    /**
     * What {@code serve --catalog} configures.
     *
     * @param vulnDb  the vulnerability database directory, re-read on every update (a fresh import is used at once)
     * @param leading whether this replica runs the loop (the Lease holder in cluster mode)
     */
    public record Config(Path directory, Store store, Path cache, Supplier<RegistryClient> registry, int parallel,
            CatalogUpdater.Options options, Duration interval, Path vulnDb, BooleanSupplier leading) {
    }

    /** The loop for {@code config}: one builder, watcher, planner and updater over the store. */
    public static CatalogLoop of(Config config, Clock clock, EventListener listener) {
        Catalog.load(config.directory()); // a wrong directory fails at start, not on the first tick
        CatalogStore store = new CatalogStore(config.store());
        ImageBuilder builder = new ImageBuilder(config.cache(), listener, clock,
                Runtime.getRuntime().availableProcessors());
        return new CatalogLoop(new Setup(config.directory(), store, new ArchiveWatcher(store, config.cache(), clock,
                listener), db -> new CatalogPlanner(builder, db), db -> new CatalogUpdater(builder, config.cache(),
                config.registry(), config.parallel(), store, db, clock, listener),
                () -> VulnDb.openIfPresent(config.vulnDb()).orElse(null), config.options(), config.interval(),
                config.leading()), clock, listener);
    }

    public CatalogLoop(Setup setup, Clock clock, EventListener listener) {
        this.directory = setup.directory();
        this.store = setup.store();
        this.watcher = setup.watcher();
        this.planners = setup.planners();
        this.updaters = setup.updaters();
        this.db = setup.db();
        this.options = setup.options();
        this.interval = setup.interval();
        this.leading = setup.leading();
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Rebuilds through {@code jobs} instead of in this process: the images a plan says to rebuild
     * (or a request forces) each become one rebuild there; once one is published, the lockfile it
     * recorded in the store is written beside its spec here, as an in-process update would.
     */
    public CatalogLoop rebuildingWith(Rebuilder jobs) {
        this.rebuilder = jobs;
        return this;
    }

    /** One step; returns the outcomes of an update when one ran, else an empty list. */
    public synchronized List<CatalogUpdater.Outcome> tick() {
        if (!leading.getAsBoolean()) {
            return List.of();
        }
        Instant now = clock.instant();
        boolean due = lastPoll == null || !now.isBefore(lastPoll.plus(interval));
        List<CatalogStore.RebuildRequest> requests = store.pendingRebuilds();
        if (!due && requests.isEmpty()) {
            return List.of();
        }
        try {
            Catalog catalog = Catalog.load(directory);
            boolean changed = false;
            if (due) {
                ArchiveWatcher.Poll poll = watcher.poll(catalog);
                lastPoll = now;
                polls.incrementAndGet();
                lastPollMillis = poll.took().toMillis();
                changed = poll.changed();
            }
            if (planned && !changed && requests.isEmpty()) {
                return List.of();
            }
            VulnDb vulns = db.get();
            List<ImagePlan> plans = planners.apply(vulns).plan(catalog);
            CatalogUpdater updater = updaters.apply(vulns);
            Set<String> force = new HashSet<>();
            requests.forEach(r -> force.add(r.image()));
            Rebuilder jobs = rebuilder;
            List<CatalogUpdater.Outcome> outcomes = jobs == null ? updater.update(catalog, plans, options, force)
                    : elsewhere(jobs, catalog, plans, force);
            planned = true;
            lastUpdateSeconds = clock.instant().getEpochSecond();
            Map<String, CatalogUpdater.Outcome> byImage = new HashMap<>();
            for (CatalogUpdater.Outcome o : outcomes) {
                byImage.put(o.image(), o);
                published.addAndGet(o.result() == CatalogUpdater.Outcome.Result.PUBLISHED ? 1 : 0);
                failures.addAndGet(o.result() == CatalogUpdater.Outcome.Result.FAILED ? 1 : 0);
            }
            for (CatalogStore.RebuildRequest r : requests) {
                CatalogUpdater.Outcome o = byImage.get(r.image());
                store.handled(r.id(), o == null ? "not in the catalog any more" : describe(o), clock.instant());
            }
            Advisories.write(directory.resolve("advisories"), Advisories.osv(store.fixes(), store.publications(),
                    clock.instant()), jobs == null ? updater.vex() : Map.of());
            return outcomes;
        } catch (TrustplaneException e) {
            failures.incrementAndGet();
            listener.warn("catalog " + directory + ": " + e.getMessage());
            return List.of();
        }
    }

    /** The plans' rebuilds through {@code jobs}; what needs none is answered here, as the updater would. */
    private List<CatalogUpdater.Outcome> elsewhere(Rebuilder jobs, Catalog catalog, List<ImagePlan> plans,
            Set<String> force) {
        List<String> names = new ArrayList<>();
        List<String> forced = new ArrayList<>();
        Map<String, CatalogUpdater.Outcome> answered = new HashMap<>();
        for (ImagePlan p : plans) {
            String name = p.image().name();
            String repository = options.prefix() + "/" + p.image().repository();
            if (p.status() == ImagePlan.Status.FAILED) {
                answered.put(name, new CatalogUpdater.Outcome(name, CatalogUpdater.Outcome.Result.FAILED, repository,
                        List.of(), List.of(), p.problem()));
            } else if (p.rebuild() || force.contains(name)) {
                names.add(name);
                if (force.contains(name)) {
                    forced.add(name);
                }
            } else {
                answered.put(name, new CatalogUpdater.Outcome(name, CatalogUpdater.Outcome.Result.UP_TO_DATE,
                        repository, List.of(), List.of(), p.why()));
            }
        }
        for (CatalogUpdater.Outcome o : names.isEmpty() ? List.<CatalogUpdater.Outcome>of()
                : jobs.rebuild(names, forced, options.prefix())) {
            answered.put(o.image(), o);
            if (o.result() == CatalogUpdater.Outcome.Result.PUBLISHED) {
                catalog.images().stream().filter(e -> e.name().equals(o.image())).findFirst().ifPresent(e ->
                        store.latest(e.name(), "runtime").ifPresent(p -> writeLock(e, p)));
            }
        }
        List<CatalogUpdater.Outcome> outcomes = new ArrayList<>();
        plans.forEach(p -> outcomes.add(answered.get(p.image().name())));
        return outcomes;
    }

    private void writeLock(Catalog.Entry e, CatalogStore.Publication p) {
        try {
            Files.writeString(e.lockFile(), p.lockfile());
        } catch (IOException ex) {
            listener.warn("catalog " + directory + ": " + e.name() + " was rebuilt but its lockfile could not be"
                    + " written to " + e.lockFile() + " (" + ex.getMessage() + "); the next poll plans it again");
        }
    }

    private static String describe(CatalogUpdater.Outcome o) {
        List<String> digests = new ArrayList<>();
        o.variants().forEach(v -> digests.add(v.variant() + " " + v.digest()));
        return switch (o.result()) {
            case PUBLISHED -> "rebuilt and published " + String.join(", ", digests);
            case UP_TO_DATE -> "already current: roll the workload to the latest published digest";
            case FAILED -> "rebuild failed: " + o.reason();
        };
    }

    public long polls() {
        return polls.get();
    }

    public long published() {
        return published.get();
    }

    public long failures() {
        return failures.get();
    }

    public long lastPollMillis() {
        return lastPollMillis;
    }

    /** When the archive was last polled (epoch seconds; 0 before the first poll). */
    public long lastPollEpochSeconds() {
        Instant at = lastPoll;
        return at == null ? 0 : at.getEpochSecond();
    }

    public long lastUpdateEpochSeconds() {
        return lastUpdateSeconds;
    }
}
