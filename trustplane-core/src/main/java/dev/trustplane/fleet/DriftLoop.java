package dev.trustplane.fleet;

import dev.trustplane.event.EventListener;
import dev.trustplane.policy.ContextSource;
import dev.trustplane.policy.ImageVerifier;
import dev.trustplane.policy.Policy;
import dev.trustplane.store.Store;
import dev.trustplane.verify.Revocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The drift pass as the server runs it: {@link #tick} (called by the front end's scheduler, every
 * second or so) runs a pass at once when trust changed — the revocation list moved, the policies
 * were reloaded — and otherwise every {@code interval} (tags move without telling anyone). One
 * pass at a time. A pass started by a trust change skips the tag lookups (TAG_MOVED stays as it
 * was until the next interval pass): it re-judges with the cache's evidence, without a registry
 * round trip per tag. What the last pass found and how it went are kept for metrics; a pass that
 * cannot read the inventory is counted as failed and changes nothing recorded.
 */
public final class DriftLoop {
    private volatile Supplier<Inventory> inventory;
    /** What runs without asking the API (an informer's objects), for passes a trust change starts. */
    private volatile Supplier<Inventory> held;
    private final AtomicLong podEvents = new AtomicLong();
    private volatile long lastEventMicros;
    private volatile long maxEventMicros;
    private final Supplier<List<Policy>> policies;
    private final ImageVerifier verifier;
    private final Supplier<Revocations> revocations;
    private final Store store;
    private final Duration interval;
    private final Clock clock;
    private final EventListener listener;
    private volatile Consumer<DriftPass.Result> publisher = r -> { };
    private volatile BooleanSupplier leading = () -> true;
    private volatile Supplier<ContextSource> context = () -> ContextSource.NONE;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile Instant lastRun;
    /** When the last pass that asked where tags point started: the interval counts from it. */
    private Instant lastTagRun;
    private volatile Duration lastDuration = Duration.ZERO;
    private volatile DriftPass.Result last;
    private long revocationVersion = -1;
    private List<Policy> lastPolicies;

    /**
     * @param inventory   reads what runs (the Kubernetes API); throws when it cannot
     * @param policies    the policies in force now (a new list after each reload)
     * @param verifier    the admission's verifier: its caches are shared and keyed to the trust state
     * @param revocations the revocation list now (its version moving triggers a pass)
     */
    public DriftLoop(Supplier<Inventory> inventory, Supplier<List<Policy>> policies, ImageVerifier verifier,
            Supplier<Revocations> revocations, Store store, Duration interval, Clock clock, EventListener listener) {
        this.inventory = inventory;
        this.held = inventory;
        this.policies = policies;
        this.verifier = verifier;
        this.revocations = revocations;
        this.store = store;
        this.interval = interval;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Hands every completed pass to {@code publisher} (PolicyReports, say); a publisher that throws
     * is reported and does not fail the pass.
     */
    public DriftLoop publishingTo(Consumer<DriftPass.Result> publisher) {
        this.publisher = publisher;
        return this;
    }

    /**
     * Runs passes only while {@code leader} says this replica leads (a Kubernetes Lease): N
     * replicas share the webhook, one runs the loop. A replica that becomes leader runs a pass at
     * once.
     */
    /** Where the passes' rules read their context (the admission controller's sources, after each reload). */
    public DriftLoop withContext(Supplier<ContextSource> source) {
        this.context = source;
        return this;
    }

    public DriftLoop onlyWhen(BooleanSupplier leader) {
        this.leading = leader;
        return this;
    }

    /**
     * Takes what runs from {@code watch}: interval passes list again ({@link FleetWatch#resync}),
     * trust-change passes use the objects held, and every pod event re-judges the workloads it
     * touched at once ({@link #onPodEvent}). The caller starts the watch with {@code this::onPodEvent}.
     */
    public DriftLoop watching(FleetWatch watch) {
        this.inventory = watch::resync;
        this.held = watch::snapshot;
        this.watch = watch;
        return this;
    }

    private volatile FleetWatch watch;

    /**
     * Re-judges one workload after a pod event (incrementally: only its findings are recorded or
     * resolved); nothing on a replica that does not lead, or before the first pass. Never throws.
     */
    public synchronized void onPodEvent(WorkloadKey workload) {
        FleetWatch w = watch;
        if (w == null || !leading.getAsBoolean() || lastRun == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            new DriftPass(lastPolicies, verifier, store, clock, Duration.ofSeconds(30)).withContext(context.get())
                    .runFor(workload, w.workload(workload));
        } catch (RuntimeException e) {
            listener.warn("drift: could not re-judge " + workload.kind() + " " + workload.namespace() + "/"
                    + workload.name() + " after a pod event: " + e.getMessage() + "; the next pass will");
        }
        long micros = (System.nanoTime() - t0) / 1000;
        podEvents.incrementAndGet();
        lastEventMicros = micros;
        maxEventMicros = Math.max(maxEventMicros, micros);
    }

    public long podEvents() {
        return podEvents.get();
    }

    /** How long the last pod event's re-judgement took, in microseconds. */
    public long lastEventMicros() {
        return lastEventMicros;
    }

    public long maxEventMicros() {
        return maxEventMicros;
    }

    /** Whether this replica runs the loop now. */
    public boolean leading() {
        return leading.getAsBoolean();
    }

    /** Runs a pass when one is due; returns whether it ran. Never throws: a failed pass is counted and reported. */
    public synchronized boolean tick() {
        if (!leading.getAsBoolean()) {
            lastRun = null; // a replica that becomes leader judges at once
            return false;
        }
        List<Policy> now = policies.get();
        String why;
        boolean tags = true;
        long version;
        try {
            version = revocations.get().version();
        } catch (RuntimeException e) {
            version = revocationVersion;
        }
        if (lastRun == null) {
            why = "first pass";
        } else if (version != revocationVersion) {
            why = "the revocation list changed";
            tags = false;
        } else if (now != lastPolicies) {
            why = "the policies were reloaded";
            tags = false;
        } else if (!clock.instant().isBefore(lastTagRun.plus(interval))) {
            why = "interval";
        } else {
            return false;
        }
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        revocationVersion = version;
        lastPolicies = now;
        if (tags) {
            lastTagRun = start;
        }
        try {
            DriftPass.Result result = new DriftPass(now, verifier, store, clock, Duration.ofSeconds(30))
                    .withContext(context.get()).run(tags ? inventory.get() : held.get(), Set.of(), tags);
            last = result;
            passes.incrementAndGet();
            try {
                publisher.accept(result);
            } catch (RuntimeException e) {
                listener.warn("drift pass: its findings could not be published: " + e.getMessage());
            }
            long open = result.open().stream().filter(f -> f.status() == Finding.Status.OPEN).count();
            listener.info("drift pass (" + why + "): " + result.workloads() + " workloads, " + open + " open findings"
                    + (result.complete() ? "" : ", " + result.incomplete().size() + " checks could not run"));
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            listener.warn("drift pass (" + why + ") failed: " + e.getMessage() + "; findings left as they were");
        } finally {
            lastRun = start;
            lastDuration = Duration.ofNanos(System.nanoTime() - t0);
        }
        return true;
    }

    /** Open findings of the last pass, by kind (every kind present, 0 when none). */
    public Map<FindingKind, Long> open() {
        Map<FindingKind, Long> out = new EnumMap<>(FindingKind.class);
        for (FindingKind k : FindingKind.values()) {
            out.put(k, 0L);
        }
        DriftPass.Result r = last;
        if (r != null) {
            r.open().stream().filter(f -> f.status() == Finding.Status.OPEN).forEach(f -> out.merge(f.kind(), 1L,
                    Long::sum));
        }
        return out;
    }

    public long passes() {
        return passes.get();
    }

    public long failures() {
        return failures.get();
    }

    /** When the last pass started (epoch seconds), 0 before the first. */
    public long lastRunEpochSeconds() {
        Instant at = lastRun;
        return at == null ? 0 : at.getEpochSecond();
    }

    public long lastDurationMillis() {
        return lastDuration.toMillis();
    }

    /** Checks the last pass could not run. */
    public long incomplete() {
        DriftPass.Result r = last;
        return r == null ? 0 : r.incomplete().size();
    }
}
