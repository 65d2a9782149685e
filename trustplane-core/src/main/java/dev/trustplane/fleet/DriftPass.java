package dev.trustplane.fleet;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.policy.ContextSource;
import dev.trustplane.policy.ImageVerifier;
import dev.trustplane.policy.Policy;
import dev.trustplane.store.Store;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * One drift pass: every workload of an {@link Inventory} through every detector — never admitted,
 * digest drift, break-glass, re-judged against today's policies and revocations, tags moved —
 * and the findings recorded in the store with their lifecycle. The one code path of
 * {@code trustplane drift} and the server's loop. What could not be checked (a registry, the
 * namespace labels) is reported by workload and kind, and the findings it would have resolved
 * stay as they were: an outage never reads as "no findings".
 */
public final class DriftPass {
    /** Workloads judged at once (each verification also runs its attestors in parallel). */
    private static final int PARALLEL = 16;

    private ContextSource context = ContextSource.NONE;
    private final List<Policy> policies;
    private final ImageVerifier verifier;
    private final Store store;
    private final Clock clock;
    private final Duration budget;
    private final List<Detector> detectors;
    private final List<FindingKind> unchecked;

    /**
     * The result of a pass.
     *
     * @param seen       what this pass found
     * @param open       every finding not resolved after the pass (open and suppressed), with its history
     * @param incomplete the checks that could not run, each naming the kinds, the workload and why
     * @param unchecked  the kinds not checked at all (no policies given); their findings stay as they were
     */
    public record Result(List<Finding> seen, List<Finding> open, List<String> incomplete, List<FindingKind> unchecked,
            int workloads, int containers, Instant started, Instant finished) {

        public boolean complete() {
            return incomplete.isEmpty();
        }
    }

    /**
     * @param policies the policies in force, or null when none are given: then only the ledger and
     *                 the workloads are checked (NOT_ADMITTED, DIGEST_DRIFT, BREAK_GLASS)
     * @param verifier verifies and resolves tags (with today's revocations), its caches keyed to the
     *                 trust state
     * @param budget   the time one workload's re-judgement may take
     */
    /**
     * This pass with the cluster's context sources (the admission controller's): rules with
     * {@code context} entries are judged as at admission instead of deciding "error".
     */
    public DriftPass withContext(ContextSource source) {
        this.context = source;
        return this;
    }

    public DriftPass(List<Policy> policies, ImageVerifier verifier, Store store, Clock clock, Duration budget) {
        List<Detector> all = new ArrayList<>(List.of(new NeverAdmitted(), new DigestDrift(), new BreakGlassInForce()));
        if (policies != null) {
            all.add(new PolicyRecheck());
            all.add(new TagMoved());
        }
        this.detectors = List.copyOf(all);
        this.unchecked = policies != null ? List.of() : List.of(FindingKind.REVOKED_SIGNER,
                FindingKind.POLICY_REGRESSION, FindingKind.TAG_MOVED);
        this.policies = policies == null ? List.of() : List.copyOf(policies);
        this.verifier = verifier;
        this.store = store;
        this.clock = clock;
        this.budget = budget;
    }

    /**
     * Judges {@code inventory} and records the findings.
     *
     * @param excludedNamespaces namespaces left out (their findings stay as they are)
     */
    public Result run(Inventory inventory, Set<String> excludedNamespaces) {
        return run(inventory, excludedNamespaces, true);
    }

    /**
     * {@link #run(Inventory, Set)}; without {@code checkTags} the registry is not asked where tags
     * point (a pass started by a trust change: revocations and policies need no tag lookups), and
     * TAG_MOVED findings stay as they were.
     */
    public Result run(Inventory inventory, Set<String> excludedNamespaces, boolean checkTags) {
        List<Detector> detectors = checkTags ? this.detectors
                : this.detectors.stream().filter(d -> !(d instanceof TagMoved)).toList();
        List<FindingKind> unchecked = new ArrayList<>(this.unchecked);
        if (!checkTags && !unchecked.contains(FindingKind.TAG_MOVED)) {
            unchecked.add(FindingKind.TAG_MOVED);
        }
        Instant started = clock.instant();
        AdmissionHistory history;
        try {
            history = AdmissionHistory.load(store);
        } catch (SQLException e) {
            throw new TrustplaneException(ErrorKind.IO, "The admission ledger in " + store.location()
                    + " could not be read (" + e.getMessage() + "); no drift pass without it");
        }
        Pass pass = new Pass(inventory, history, policies, verifier, clock, budget, context);
        List<RunningWorkload> workloads = inventory.workloads().stream()
                .filter(w -> !excludedNamespaces.contains(w.namespace())).toList();
        List<Finding> seen = new ArrayList<>();
        Semaphore slots = new Semaphore(PARALLEL);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Finding>>> futures = new ArrayList<>();
            for (RunningWorkload w : workloads) {
                futures.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        return inspect(w, pass, detectors);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<List<Finding>> f : futures) {
                seen.addAll(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.IO, "The drift pass was interrupted; nothing was recorded");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a detector failed", e.getCause());
        }
        seen.sort(Comparator.comparing(Finding::namespace).thenComparing(Finding::workload)
                .thenComparing(Finding::container).thenComparing(f -> f.kind().ordinal()));
        FindingStore findings = new FindingStore(store);
        List<Finding> open = findings.record(started, seen, f -> !excludedNamespaces.contains(f.namespace())
                && !unchecked.contains(f.kind()) && pass.judged(f.kind(), f.namespace(), f.workloadKind(), f.workload()));
        Instant finished = clock.instant();
        findings.recordPass(started, finished, workloads.size(), workloads.stream().mapToInt(w -> w.images().size())
                .sum(), (int) open.stream().filter(f -> f.status() == Finding.Status.OPEN).count(), pass.incomplete());
        return new Result(seen, open, pass.incomplete(), List.copyOf(unchecked), workloads.size(), inventory.containers(), started, finished);
    }

    /**
     * An incremental pass for one workload after a pod event: {@code inventory} holds what runs of
     * it now (nothing when its last pod went away); only its findings are judged, recorded and
     * resolved, and the registry is not asked about tags. No pass row is written.
     */
    public List<Finding> runFor(WorkloadKey workload, Inventory inventory) {
        Instant started = clock.instant();
        AdmissionHistory history;
        try {
            history = AdmissionHistory.load(store, workload.namespace());
        } catch (SQLException e) {
            throw new TrustplaneException(ErrorKind.IO, "The admission ledger in " + store.location()
                    + " could not be read (" + e.getMessage() + ")");
        }
        Pass pass = new Pass(inventory, history, policies, verifier, clock, budget, context);
        List<Detector> detectors = this.detectors.stream().filter(d -> !(d instanceof TagMoved)).toList();
        List<Finding> seen = new ArrayList<>();
        for (RunningWorkload w : inventory.workloads()) {
            if (WorkloadKey.of(w).equals(workload)) {
                seen.addAll(inspect(w, pass, detectors));
            }
        }
        return new FindingStore(store).record(started, seen, f -> f.kind() != FindingKind.TAG_MOVED
                && !unchecked.contains(f.kind()) && pass.judged(f.kind(), f.namespace(), f.workloadKind(), f.workload()),
                workload);
    }

    private static List<Finding> inspect(RunningWorkload w, Pass pass, List<Detector> detectors) {
        List<Finding> out = new ArrayList<>();
        for (Detector d : detectors) {
            try {
                d.inspect(w, pass, out);
            } catch (RuntimeException e) {
                pass.incomplete(d.kinds(), w, "the check failed: " + e);
            }
        }
        return out;
    }
}
