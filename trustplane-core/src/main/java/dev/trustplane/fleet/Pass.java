package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.policy.ContextSource;
import dev.trustplane.policy.Evaluation;
import dev.trustplane.policy.ImageVerifier;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.policy.Resource;
import dev.trustplane.workload.Workload;
import dev.trustplane.workload.Workloads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the detectors of one drift pass share: the inventory, the ledger's history, the policies
 * and verifier to re-judge what runs, the tags resolved in this pass, and what could not be
 * checked.
 */
final class Pass {
    private final Inventory inventory;
    private final AdmissionHistory history;
    private final List<Policy> policies;
    private final ImageVerifier verifier;
    private final Clock clock;
    private final Instant now;
    private final Duration budget;
    private final ContextSource context;
    private final Map<String, Object> tags = new ConcurrentHashMap<>();
    private final Map<JudgeKey, Evaluation> judged = new ConcurrentHashMap<>();
    private final Set<String> incompleteScopes = ConcurrentHashMap.newKeySet();
    private final List<String> incomplete = new CopyOnWriteArrayList<>();

    Pass(Inventory inventory, AdmissionHistory history, List<Policy> policies, ImageVerifier verifier, Clock clock,
            Duration budget) {
        this(inventory, history, policies, verifier, clock, budget, ContextSource.NONE);
    }

    /** @param context where the policies' context entries read ConfigMaps, Secrets and API paths */
    Pass(Inventory inventory, AdmissionHistory history, List<Policy> policies, ImageVerifier verifier, Clock clock,
            Duration budget, ContextSource context) {
        this.context = context;
        this.inventory = inventory;
        this.history = history;
        this.policies = policies;
        this.verifier = verifier;
        this.clock = clock;
        this.now = clock.instant();
        this.budget = budget;
    }

    AdmissionHistory history() {
        return history;
    }

    Instant now() {
        return now;
    }

    List<Policy> policies() {
        return policies;
    }

    /** Records that the checks of {@code kinds} could not judge {@code w}, and why. */
    void incomplete(List<FindingKind> kinds, RunningWorkload w, String why) {
        boolean added = false;
        for (FindingKind k : kinds) {
            added |= incompleteScopes.add(scope(k, w.namespace(), w.kind(), w.name()));
        }
        if (added || incomplete.size() < 1000) {
            incomplete.add(kinds.stream().map(Enum::name).toList() + " " + w.label() + ": " + why);
        }
    }

    /** Whether a finding of this kind about this workload could have been seen by this pass. */
    boolean judged(FindingKind kind, String namespace, String workloadKind, String workload) {
        return !incompleteScopes.contains(scope(kind, namespace, workloadKind, workload));
    }

    List<String> incomplete() {
        return List.copyOf(incomplete);
    }

    /** Where {@code image}'s tag points now (asked once per pass, never from a cache); throws when unknown. */
    Digest currentDigest(ImageReference image) {
        Object known = tags.computeIfAbsent(image.toString(), k -> {
            try {
                return verifier.resolve(image, false);
            } catch (TrustplaneException e) {
                return e;
            }
        });
        if (known instanceof TrustplaneException e) {
            throw e;
        }
        return (Digest) known;
    }

    /**
     * {@code pod} re-judged against today's policies and trust (phase BACKGROUND), each image
     * taken at the digest {@code digests} gives for it (what runs, or where a tag points now)
     * instead of where its tag points.
     */
    Evaluation judge(RunningWorkload w, JsonNode pod, Map<String, String> digests) {
        // PolicyRecheck and TagMoved both judge a pod at its running digests: once per pass.
        return judged.computeIfAbsent(new JudgeKey(pod, Map.copyOf(digests)), k -> evaluate(w, pod, digests));
    }

    private Evaluation evaluate(RunningWorkload w, JsonNode pod, Map<String, String> digests) {
        Workload workload = Workloads.of(pod);
        Map<String, String> labels = inventory.namespaceLabels().get(w.namespace());
        Resource resource = Resource.of(workload, null, "CREATE", null, null, () -> labels);
        try (PolicyEngine engine = new PolicyEngine(policies, ImageVerifier.withDigests(verifier, digests), context,
                clock)) {
            return engine.evaluate(resource, Phase.BACKGROUND, budget);
        }
    }

    /** A pod by identity (not by its JSON's value) and the digests it was judged at. */
    private record JudgeKey(JsonNode pod, Map<String, String> digests) {
        @Override
        public boolean equals(Object o) {
            return o instanceof JudgeKey k && k.pod == pod && k.digests.equals(digests);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(pod) * 31 + digests.hashCode();
        }
    }

    private static String scope(FindingKind kind, String namespace, String workloadKind, String workload) {
        return kind + "\0" + namespace + "\0" + workloadKind + "\0" + workload;
    }
}
