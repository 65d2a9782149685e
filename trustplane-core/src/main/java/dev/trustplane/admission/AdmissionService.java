package dev.trustplane.admission;

import dev.trustplane.policy.ContainerImage;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.store.AdmissionLedger;
import dev.trustplane.store.LedgerEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One AdmissionReview in, one answer out: parse (a malformed request is a 400 naming the
 * problem), evaluate within the time budget, answer (allowed/denied, warnings, digest patch),
 * and hand every decision to the ledger. A defect in Trustplane itself is answered with a
 * denial that says so — never an allow.
 */
public final class AdmissionService {
    private final java.util.concurrent.atomic.AtomicReference<PolicyEngine> engine;
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
        this.engine = new java.util.concurrent.atomic.AtomicReference<>(engine);
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
        try {
            long start = clock.millis();
            Evaluation evaluation = engine.get().evaluate(request.resource(), phase, budget);
            byte[] answer = AdmissionResponse.of(request.uid(), evaluation, phase != Phase.VALIDATE);
            if (ledger != null) {
                ledger.record(entries(request, evaluation, phase, start));
            }
            return new Answer(200, answer, evaluation, request.uid(), request.resource().kind(), name(request));
        } catch (RuntimeException e) {
            Decision failure = new Decision("trustplane", "", "internal", dev.trustplane.policy.FailureAction.ENFORCE,
                    null, null, null, Decision.Verdict.ERROR, "Trustplane could not evaluate the request (" + e
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

    private static String name(AdmissionRequest request) {
        var r = request.resource();
        return (r.namespace() == null || r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name();
    }

    private static List<LedgerEntry> entries(AdmissionRequest request, Evaluation evaluation, Phase phase, long at) {
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
        var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        node.put("error", message);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
