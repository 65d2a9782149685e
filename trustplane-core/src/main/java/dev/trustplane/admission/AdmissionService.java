package dev.trustplane.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.io.Json;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import dev.trustplane.policy.FailureAction;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.policy.Resource;
import dev.trustplane.workload.ContainerImage;
import dev.trustplane.workload.Workloads;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One AdmissionReview in, one answer out: parse (a malformed request is a 400 naming the
 * problem), evaluate within the time budget, answer (allowed/denied, warnings, digest patch),
 * and hand every decision to the ledger. A defect in Trustplane itself is answered with a
 * denial that says so — never an allow.
 */
public final class AdmissionService {
    /** The most ledger rows one request writes; the rest are summarised in the last row. */
    public static final int MAX_ROWS_PER_REVIEW = 100;
    private final AtomicReference<PolicyEngine> engine;
    private final AdmissionLedger ledger;
    private final Duration budget;
    private final Function<String, Map<String, String>> namespaceLabels;
    private final Clock clock;

    /**
     * The answer: HTTP status and body, the evaluation (null for a 400 and for requests not
     * evaluated), the request's uid, and the resource's kind and {@code namespace/name}.
     */
    public record Answer(int status, byte[] body, Evaluation evaluation, String uid, String kind, String resource) {
    }

    /**
     * @param ledger          where decisions go; may be null (policy test)
     * @param budget          the time verification may take: below the webhook's timeout
     * @param namespaceLabels a namespace's labels, or null when unknown; may be null
     */
    public AdmissionService(PolicyEngine engine, AdmissionLedger ledger, Duration budget,
            Function<String, Map<String, String>> namespaceLabels, Clock clock) {
        this.engine = new AtomicReference<>(engine);
        this.ledger = ledger;
        this.budget = budget;
        this.namespaceLabels = namespaceLabels;
        this.clock = clock;
    }

    public Duration budget() {
        return budget;
    }

    /** The engine answering now. */
    public PolicyEngine engine() {
        return engine.get();
    }

    /**
     * Answers with {@code next} from now on (new policies); requests already evaluating finish
     * with the engine they started with. Returns the previous engine, for the caller to close
     * once those requests are done.
     */
    public PolicyEngine replaceEngine(PolicyEngine next) {
        return engine.getAndSet(next);
    }

    public Answer review(byte[] body, Phase phase) {
        AdmissionRequest request;
        try {
            request = AdmissionRequest.parse(body, namespaceLabels);
        } catch (AdmissionException e) {
            return new Answer(e.status(), error(e.getMessage()), null, null, null, null);
        }
        if (request.resource().object() == null || request.resource().object().isNull()
                || request.operation().equals("DELETE") || request.operation().equals("CONNECT")) {
            return new Answer(200, AdmissionResponse.allowed(request.uid()), null, request.uid(), request.resource().kind(),
                    name(request));
        }
        if (beingDeletedUnchanged(request)) {
            // An UPDATE of a workload that is being deleted (its finalizers going away) with the same
            // images: admitted without verifying again, as connaisseur does — denying it would only
            // block the deletion — and recorded.
            Decision deleting = new Decision("trustplane", "", "deletion", FailureAction.ENFORCE, null, null, null,
                    Outcome.PASS, request.resource().kind() + " " + name(request) + " is being deleted"
                    + " (deletionTimestamp set) and its images did not change: admitted without verifying again",
                    List.of());
            Evaluation evaluation = new Evaluation(List.of(deleting), List.of());
            if (ledger != null) {
                ledger.record(entries(request, evaluation, phase, clock.millis()));
            }
            return new Answer(200, AdmissionResponse.of(request.uid(), evaluation, false), evaluation, request.uid(),
                    request.resource().kind(), name(request));
        }
        try {
            long start = clock.millis();
            long started = System.nanoTime();
            Evaluation evaluation = engine.get().evaluate(request.resource(), phase, budget);
            if (ledger != null && !ledger.record(entries(request, evaluation, phase, start), ledgerWait(started))) {
                evaluation = unrecorded(evaluation);
            }
            byte[] answer = AdmissionResponse.of(request.uid(), evaluation, phase != Phase.VALIDATE);
            return new Answer(200, answer, evaluation, request.uid(), request.resource().kind(), name(request));
        } catch (RuntimeException e) {
            Decision failure = new Decision("trustplane", "", "internal", FailureAction.ENFORCE,
                    null, null, null, Outcome.ERROR, "Trustplane could not evaluate the request (" + e
                    + "); denied because an unevaluated request is never admitted. Report this with the server log",
                    List.of());
            Evaluation evaluation = new Evaluation(List.of(failure), List.of());
            if (ledger != null) {
                ledger.record(entries(request, evaluation, phase, clock.millis()));
            }
            return new Answer(200, AdmissionResponse.of(request.uid(), evaluation, false), evaluation, request.uid(),
                    request.resource().kind(), name(request));
        }
    }

    /**
     * Whether {@code request} is an UPDATE of an object whose {@code metadata.deletionTimestamp} is
     * set and whose container images (every list, in order) equal the old object's.
     */
    static boolean beingDeletedUnchanged(AdmissionRequest request) {
        if (!request.operation().equals("UPDATE")) {
            return false;
        }
        JsonNode object = request.resource().object();
        JsonNode old = request.resource().context().path("request").path("oldObject");
        if (object == null || !object.path("metadata").hasNonNull("deletionTimestamp") || !old.isObject()) {
            return false;
        }
        try {
            Resource r = request.resource();
            List<String> now = Workloads.of(r.group(), r.version(), r.kind(), r.namespace(), object).containers()
                    .stream().map(c -> c.list() + "/" + c.name() + "=" + c.image()).toList();
            List<String> before = Workloads.of(r.group(), r.version(), r.kind(), r.namespace(), old).containers()
                    .stream().map(c -> c.list() + "/" + c.name() + "=" + c.image()).toList();
            return now.equals(before);
        } catch (RuntimeException e) {
            return false; // cannot compare: verify as usual
        }
    }

    /** How long recording may wait for the ledger: what is left of the budget, at least 50 ms. */
    private Duration ledgerWait(long startedNanos) {
        long left = budget.toNanos() - (System.nanoTime() - startedNanos);
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(50), left));
    }

    /**
     * What a request becomes when the ledger could not record its decisions in time: denied when
     * an Enforce rule applied to it (an admission nobody recorded is invisible to drift detection
     * and audit, so Enforce fails closed), else admitted with a warning saying so.
     */
    private Evaluation unrecorded(Evaluation evaluation) {
        boolean enforced = evaluation.decisions().stream()
                .anyMatch(d -> d.action() == FailureAction.ENFORCE);
        String store = ledger.store().location();
        Decision failure = new Decision("trustplane", "", "ledger", enforced ? FailureAction.ENFORCE
                : FailureAction.AUDIT, null, null, null, Outcome.ERROR,
                "the admission ledger (" + store + ") could not record this request's decisions in time ("
                + ledger.queued() + " decisions waiting); " + (enforced ? "denied because Enforce never admits what"
                + " it cannot record — retry, and check the store" : "admitted because no Enforce rule applies —"
                + " check the store"), List.of());
        List<Decision> decisions = new ArrayList<>(evaluation.decisions());
        decisions.add(failure);
        return new Evaluation(decisions, enforced ? List.of() : evaluation.pins());
    }

    private static String name(AdmissionRequest request) {
        var r = request.resource();
        return (r.namespace() == null || r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name();
    }

    /**
     * The ledger rows of one request: one per decision and per uncovered container, at most
     * {@link #MAX_ROWS_PER_REVIEW}; beyond that the rows that matter most (errors, failures,
     * passes, skips, uncovered containers, in that order) are kept and the rest summarised in one
     * row counting them by verdict, so one huge Pod cannot flood the ledger.
     */
    static List<LedgerEntry> entries(AdmissionRequest request, Evaluation evaluation, Phase phase, long at) {
        List<LedgerEntry> all = allEntries(request, evaluation, phase, at);
        if (all.size() <= MAX_ROWS_PER_REVIEW) {
            return all;
        }
        List<String> order = List.of("ERROR", "FAIL", "PASS", "SKIP", "NONE");
        List<LedgerEntry> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(e -> {
            int i = order.indexOf(e.verdict());
            return i < 0 ? order.size() : i;
        }));
        List<LedgerEntry> kept = new ArrayList<>(sorted.subList(0, MAX_ROWS_PER_REVIEW - 1));
        List<LedgerEntry> rest = sorted.subList(MAX_ROWS_PER_REVIEW - 1, sorted.size());
        Map<String, Long> counts = new TreeMap<>();
        rest.forEach(e -> counts.merge(e.verdict(), 1L, Long::sum));
        String worst = order.stream().filter(counts::containsKey).findFirst().orElse(rest.get(0).verdict());
        LedgerEntry first = all.get(0);
        StringBuilder byVerdict = new StringBuilder();
        counts.forEach((v, n) -> byVerdict.append(byVerdict.isEmpty() ? "" : ", ").append(n).append(' ').append(v));
        kept.add(new LedgerEntry(first.decidedAtMillis(), first.requestUid(), first.phase(), first.operation(),
                first.dryRun(), first.namespace(), first.kind(), first.name(), null, null, null, List.of(), "trustplane",
                "ledger-summary", null, worst, null, first.allowed(), rest.size() + " more decisions of this request,"
                + " summarised (one request writes at most " + MAX_ROWS_PER_REVIEW + " rows): " + byVerdict));
        return kept;
    }

    private static List<LedgerEntry> allEntries(AdmissionRequest request, Evaluation evaluation, Phase phase,
            long at) {
        var r = request.resource();
        boolean allowed = !evaluation.denied();
        List<LedgerEntry> out = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (Decision d : evaluation.decisions()) {
            if (d.container() != null) {
                covered.add(d.container());
            }
            out.add(new LedgerEntry(at, request.uid(), phase.name(), request.operation(), request.dryRun(), r.namespace(),
                    r.kind(), r.name(), d.container(), d.image(), d.digest(), d.signers(), d.policy(), d.rule(),
                    d.policyHash(), d.verdict().name(), d.action().label(), allowed, d.message()));
        }
        for (ContainerImage c : r.images()) {
            if (!covered.contains(c.label())) {
                out.add(new LedgerEntry(at, request.uid(), phase.name(), request.operation(), request.dryRun(),
                        r.namespace(), r.kind(), r.name(), c.label(), c.image(), null, List.of(), null, null, null,
                        "NONE", null, allowed, "no verifyImages rule covers this image"));
            }
        }
        return out;
    }

    private static byte[] error(String message) {
        var node = Json.mapper().createObjectNode();
        node.put("error", message);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
