package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.Outcome;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.workload.ContainerImage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The pure evaluation engine shared by the webhook and {@code policy test}: for one resource it
 * returns a {@link Decision} per (rule, container) — or per rule for validate patterns — and the
 * digest pins to apply. Image checks run in parallel on virtual threads; whatever has not
 * finished when the time budget ends is an ERROR decision naming the image (a denial under
 * Enforce, and under Audit unless the policy's failurePolicy is Ignore), while the unfinished
 * verification goes on and fills the cache for the retry. The engine never throws for a bad image
 * or registry: every outcome is a decision.
 */
public final class PolicyEngine implements AutoCloseable {
    private static final ObjectMapper JSON = Json.mapper();

    private final List<Policy> policies;
    private final ImageVerifier verifier;
    private final ContextSource contextSource;
    private final Clock clock;
    /** The policies whose failurePolicy is Fail: known once, asked for every decision. */
    private final Set<String> failClosed;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public PolicyEngine(List<Policy> policies, ImageVerifier verifier) {
        this(policies, verifier, Clock.systemUTC());
    }

    /** @param clock what break-glass expiries are compared with */
    public PolicyEngine(List<Policy> policies, ImageVerifier verifier, Clock clock) {
        this(policies, verifier, ContextSource.NONE, clock);
    }

    /** @param contextSource where {@code context} entries read ConfigMaps and API paths */
    public PolicyEngine(List<Policy> policies, ImageVerifier verifier, ContextSource contextSource, Clock clock) {
        this.policies = List.copyOf(policies);
        this.verifier = verifier;
        this.contextSource = contextSource;
        this.clock = clock;
        this.failClosed = policies.stream().filter(Policy::failClosed).map(Policy::displayName)
                .collect(Collectors.toUnmodifiableSet());
    }

    public List<Policy> policies() {
        return policies;
    }

    /** Evaluates every matching rule of every policy for {@code resource} within {@code budget}. */
    public Evaluation evaluate(Resource resource, Phase phase, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<Decision> decisions = new ArrayList<>();
        List<Evaluation.Pin> pins = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        List<ImageCheck> required = new ArrayList<>();
        for (Policy policy : policies) {
            boolean admitting = phase == Phase.MUTATE || phase == Phase.VALIDATE;
            if (policy.namespace() != null && !policy.namespace().equals(resource.namespace())
                    || !policy.admission() && admitting || !policy.background() && phase == Phase.BACKGROUND) {
                continue;
            }
            for (Rule rule : policy.rules()) {
                RuleMatching.Applies applies;
                try {
                    applies = RuleMatching.applies(policy, rule, resource);
                } catch (RuleMatching.UnknownLabels e) {
                    decisions.add(new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null, null,
                            null, Outcome.ERROR, where(policy, rule) + ": " + e.getMessage(), List.of()));
                    continue;
                }
                if (applies == RuleMatching.Applies.NO) {
                    continue;
                }
                // Kyverno's order: a verifyImages rule covering none of the images does nothing (its
                // context is not even loaded); then the context loads, then the preconditions decide.
                List<Target> targets = new ArrayList<>();
                List<Decision> unparseable = new ArrayList<>();
                List<ContainerImage> images;
                try {
                    images = images(rule, resource);
                } catch (TrustplaneException e) {
                    decisions.add(new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null,
                            null, null, Outcome.ERROR, where(policy, rule) + ": " + e.getMessage(), List.of()));
                    continue;
                }
                for (ImageRule entry : rule.verifyImages()) {
                    for (ContainerImage container : images) {
                        if (container.image() == null || container.image().isBlank()) {
                            // Nothing to verify yet (OpenShift image triggers fill "image: ' '" in later):
                            // Kyverno admits it, and no container can run from a blank reference.
                            continue;
                        }
                        ImageReference ref;
                        try {
                            ref = ImageReference.parse(container.image());
                        } catch (TrustplaneException e) {
                            if (entry.imageReferences().stream().anyMatch(p -> Wildcards.match(p, container.image()))) {
                                unparseable.add(new Decision(policy.displayName(), policy.hash(), rule.name(),
                                        entry.action(), container.label(), container.image(), null, Outcome.FAIL,
                                        where(policy, rule) + ": " + container.label() + ": " + e.getMessage(), List.of()));
                            }
                            continue;
                        }
                        if (entry.covers(container.image(), ref.toString())) {
                            targets.add(new Target(entry, container, ref));
                        }
                    }
                }
                if (rule.validate() == null && targets.isEmpty() && unparseable.isEmpty()) {
                    continue;
                }
                JsonNode context = resource.context();
                if (!rule.context().isEmpty()) {
                    try {
                        context = loadContext(rule, resource, deadline);
                    } catch (TrustplaneException e) {
                        decisions.add(new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null,
                                null, null, Outcome.ERROR, where(policy, rule) + ": " + e.getMessage(), List.of()));
                        continue;
                    }
                }
                if (!rule.preconditions().isEmpty() && !RuleMatching.preconditionsHold(rule, context)) {
                    continue;
                }
                PolicyException excepted = RuleMatching.exception(policy, rule, resource, applies, context,
                        clock.instant());
                if (excepted != null) {
                    decisions.add(new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null,
                            null, null, Outcome.SKIP, where(policy, rule) + ": " + resource.label() + " is excepted by"
                            + " PolicyException " + excepted.displayName() + (excepted.expires() == null ? ""
                            : " until " + excepted.expires()) + " (" + excepted.source() + ")", List.of()));
                    continue;
                }
                if (rule.validate() != null) {
                    if (phase != Phase.MUTATE) {
                        decisions.add(ValidateChecks.validate(policy, rule, resource, applies, context));
                    }
                    continue;
                }
                decisions.addAll(unparseable);
                for (Target t : targets) {
                    ImageCheck check = new ImageCheck(policy, rule, t.entry(), t.container(), t.ref(), phase, context,
                            resource);
                    if (t.entry().requiredOnly()) {
                        required.add(check);
                        if (!t.entry().verifyDigest() && !t.entry().mutateDigest()) {
                            continue;
                        }
                    }
                    pending.add(new Pending(check, executor.submit(check::run)));
                }
            }
        }
        for (Pending p : pending) {
            long left = deadline - System.nanoTime();
            try {
                Checked o = p.future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                decisions.add(o.decision);
                if (o.pin != null) {
                    pins.add(o.pin);
                }
            } catch (TimeoutException e) {
                ImageCheck c = p.check;
                decisions.add(c.decision(Outcome.ERROR, null, "verification of " + c.ref + " did not finish"
                        + " within the " + budget.toMillis() + " ms budget (registry slow or unreachable); it goes on in"
                        + " the background and a retry uses its result", List.of()));
            } catch (ExecutionException e) {
                ImageCheck c = p.check;
                decisions.add(c.decision(Outcome.ERROR, null, "could not verify " + c.ref + ": "
                        + e.getCause(), List.of()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ImageCheck c = p.check;
                decisions.add(c.decision(Outcome.ERROR, null, "interrupted while verifying " + c.ref, List.of()));
            }
        }
        for (ImageCheck c : required) {
            // Kyverno's required without attestors: another entry must have verified this container's image
            List<String> by = decisions.stream().filter(d -> d.verdict() == Outcome.PASS && !d.signers().isEmpty()
                    && c.container.label().equals(d.container()) && c.container.image().equals(d.image()))
                    .map(d -> d.policy() + "/" + d.rule()).toList();
            decisions.add(by.isEmpty()
                    ? c.decision(Outcome.FAIL, null, "required: no verifyImages rule verified this image's signature (a"
                    + " required entry without attestors relies on the others). Fix: add a rule that verifies "
                    + c.ref.name() + ", or sign it for one that covers it", List.of())
                    : c.decision(Outcome.PASS, null, "required: verified by " + String.join(", ", by), List.of()));
        }
        return BreakGlass.apply(resource, new Evaluation(failClosed(decisions), pins), clock.instant());
    }

    /**
     * Kyverno's {@code BlockRequest}: an error blocks the request when the policy's failurePolicy
     * is Fail (the default), under Audit too — the decision is then enforced, and says why.
     */
    private List<Decision> failClosed(List<Decision> decisions) {
        List<Decision> out = new ArrayList<>(decisions.size());
        for (Decision d : decisions) {
            if (d.verdict() == Outcome.ERROR && d.action() == FailureAction.AUDIT && failClosed.contains(d.policy())) {
                d = new Decision(d.policy(), d.policyHash(), d.rule(), FailureAction.ENFORCE, d.container(), d.image(),
                        d.digest(), d.verdict(), d.message() + " [denied although the rule audits: the policy's"
                        + " failurePolicy is Fail, so a rule that cannot decide blocks the request, as in Kyverno;"
                        + " failurePolicy: Ignore admits it with a warning]", d.signers(), d.revoked());
            }
            out.add(d);
        }
        return out;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private record Pending(ImageCheck check, Future<Checked> future) {
    }

    private record Target(ImageRule entry, ContainerImage container, ImageReference ref) {
    }

    /**
     * The images a rule verifies in {@code r}: what its {@code imageExtractors} for the kind find
     * (they replace the container lists for that kind, as in Kyverno), else every container's.
     */
    private static List<ContainerImage> images(Rule rule, Resource r) {
        List<ImageExtractor> custom = rule.imageExtractors().get(r.kind());
        if (custom == null || rule.verifyImages().isEmpty()) {
            return r.images();
        }
        List<ContainerImage> out = new ArrayList<>();
        for (ImageExtractor x : custom) {
            out.addAll(x.extract(r.object()));
        }
        return out;
    }

    /**
     * The rule's context loaded on top of the request's, within what is left of the budget (a
     * ConfigMap, an API call or a registry that does not answer in time is an error, not a wait).
     */
    private JsonNode loadContext(Rule rule, Resource resource, long deadline) {
        Future<JsonNode> f = executor.submit(() -> ContextLoader.load(rule.context(), resource.context(), contextSource,
                verifier));
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "its context did not load within the time budget");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TrustplaneException t) {
                throw t;
            }
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "its context could not be loaded: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "interrupted while loading its context");
        }
    }

    private record Checked(Decision decision, Evaluation.Pin pin) {
    }

    static String where(Policy policy, Rule rule) {
        return "policy " + policy.displayName() + " rule " + rule.name();
    }

    // ---- image verification ----

    private final class ImageCheck {
        final Policy policy;
        final Rule rule;
        final ImageRule entry;
        final ContainerImage container;
        final ImageReference ref;
        final Phase phase;
        final JsonNode context;
        final Resource resource;
        volatile String digest;

        ImageCheck(Policy policy, Rule rule, ImageRule entry, ContainerImage container, ImageReference ref, Phase phase,
                JsonNode context, Resource resource) {
            this.context = context;
            this.resource = resource;
            this.policy = policy;
            this.rule = rule;
            this.entry = entry;
            this.container = container;
            this.ref = ref;
            this.phase = phase;
        }

        /**
         * Revoked signers seen while checking, each once with its revocation: a signer found in
         * both formats (a .sig tag and a bundle) is one signer, whichever reads came back first.
         */
        final Map<String, String> revoked = new ConcurrentHashMap<>();

        Decision decision(Outcome verdict, String d, String why, List<String> signers) {
            return new Decision(policy.displayName(), policy.hash(), rule.name(), entry.action(), container.label(),
                    container.image(), d != null ? d : digest, verdict, where(policy, rule) + ": " + container.label()
                    + " image " + container.image() + ((d != null || digest != null) && ref.digest() == null
                    ? " (" + (d != null ? d : digest) + ")" : "")
                    + ": " + why, signers, verdict == Outcome.PASS ? List.of() : revoked.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + ": " + e.getValue()).toList());
        }

        /** The verifier of this check: the server's, or with the request's pull secrets first. */
        private ImageVerifier verifier;

        Checked run() {
            try {
                verifier = RegistryCredentials.forCheck(PolicyEngine.this.verifier, resource, entry, contextSource);
            } catch (TrustplaneException e) {
                return new Checked(decision(Outcome.ERROR, null, e.getMessage(), List.of()), null);
            }
            Digest resolved;
            try {
                resolved = verifier.resolve(ref, entry.useCache());
            } catch (TrustplaneException e) {
                return new Checked(decision(Outcome.ERROR, null, "could not resolve the tag to a digest: "
                        + e.getMessage(), List.of()), null);
            }
            digest = resolved.toString();
            boolean pinned = ref.digest() != null;
            if (!pinned && entry.verifyDigest() && !(entry.mutateDigest() && phase != Phase.VALIDATE)) {
                return new Checked(decision(Outcome.FAIL, null, "the image is not pinned by digest"
                        + " (verifyDigest). Fix: write it as " + ref.pinned(resolved) + (entry.mutateDigest()
                        ? ", or install the mutating webhook that pins it" : ", or set mutateDigest: true (Enforce)"),
                        List.of()), null);
            }
            Set<String> signers = new LinkedHashSet<>();
            for (int i = 0; i < entry.attestors().size(); i++) {
                String failure = satisfy(entry.attestors().get(i), resolved, null, List.of(), signers);
                if (failure != null) {
                    return new Checked(decision(failure.startsWith("ERROR:") ? Outcome.ERROR : Outcome.FAIL,
                            null, failure.replaceFirst("^(ERROR|FAIL):", ""), List.copyOf(signers)), null);
                }
            }
            Map<String, JsonNode> named = new LinkedHashMap<>();
            for (AttestationCheck a : entry.attestations()) {
                for (AttestorSet set : a.attestors()) {
                    String failure = satisfy(set, resolved, a.predicateType(), a.conditions(), signers);
                    if (failure == null && a.name() != null) {
                        named.putIfAbsent(a.name(), lastPredicate);
                    }
                    if (failure != null) {
                        return new Checked(decision(failure.startsWith("ERROR:") ? Outcome.ERROR
                                : Outcome.FAIL, null, failure.replaceFirst("^(ERROR|FAIL):", ""),
                                List.copyOf(signers)), null);
                    }
                }
            }
            if (entry.validate() != null) {
                String refused = denied(named);
                if (refused != null) {
                    return new Checked(decision(refused.startsWith("ERROR:") ? Outcome.ERROR : Outcome.FAIL, null,
                            refused.replaceFirst("^(ERROR|FAIL):", ""), List.copyOf(signers)), null);
                }
            }
            Evaluation.Pin pin = null;
            if (!pinned && entry.mutateDigest() && phase != Phase.VALIDATE) {
                pin = new Evaluation.Pin(container.pointer(), container.image(), container.image() + "@" + resolved);
            }
            if (entry.attestors().isEmpty() && entry.attestations().isEmpty()) {
                // a digest-only entry (verifyDigest / mutateDigest without attestors)
                return new Checked(decision(Outcome.PASS, null, pin != null ? "pinned to its digest " + resolved
                        : "referenced by digest", List.of()), pin);
            }
            String what = entry.attestations().isEmpty() ? "signed" : "signed and attested ("
                    + String.join(", ", entry.attestations().stream().map(AttestationCheck::predicateType).toList()) + ")";
            return new Checked(decision(Outcome.PASS, null, what + " by " + String.join("; ", signers)
                    + (pin != null ? "; pinned to its digest" : ""), List.copyOf(signers)), pin);
        }

        /** The predicate of the statement that last satisfied an attestation check (for named attestations). */
        private JsonNode lastPredicate;

        /**
         * The entry's {@code validate.deny}: "FAIL:…" when its conditions hold over the request, the
         * rule's context and the named attestations' predicates; "ERROR:…" when they cannot be evaluated.
         */
        private String denied(Map<String, JsonNode> named) {
            ObjectNode ctx = context.isObject() ? ((ObjectNode) context).deepCopy() : JSON.createObjectNode();
            named.forEach((k, v) -> ctx.set(k, v == null ? JSON.nullNode() : v));
            String holds;
            try {
                holds = Conditions.evaluate(entry.validate().deny(), ctx);
            } catch (RuntimeException e) {
                return "ERROR:the validate.deny conditions could not be evaluated: " + e.getMessage();
            }
            if (holds != null) {
                return null;
            }
            String message = Conditions.substitute(entry.validate().message(), ctx);
            return "FAIL:refused by validate.deny" + (message == null || message.isBlank() ? "" : ": " + message)
                    + ". Fix the image's evidence or the policy's conditions";
        }

        /** Null when at least {@code set.required()} entries verify; else "FAIL:…" or "ERROR:…". */
        private String satisfy(AttestorSet set, Digest d, String predicateType, List<Conditions.Block> conditions,
                Set<String> signers) {
            int passed = 0;
            boolean undecided = false;
            List<String> why = new ArrayList<>();
            for (Attestor written : set.entries()) {
                Attestor a = written;
                if (written.template() != null) {
                    try {
                        a = written.template().reader().resolve(written.template(), context, contextSource);
                    } catch (TrustplaneException e) {
                        undecided = true;
                        why.add(written.description() + ": " + e.getMessage());
                        continue;
                    }
                }
                VerificationReport report = predicateType == null
                        ? verifier.signatures(ref, d, entry.repository(), a, entry.useCache())
                        : verifier.attestations(ref, d, entry.repository(), a, predicateType, entry.useCache());
                String failure = predicateType == null ? EvidenceVerdicts.signatureFailure(report) : EvidenceVerdicts.attestationFailure(report, conditions);
                if (failure == null && predicateType != null) {
                    lastPredicate = EvidenceVerdicts.firstPredicate(report);
                }
                if (failure != null) {
                    report.evidence().stream().filter(Evidence::revoked)
                            .forEach(e -> revoked.merge(e.signer(), e.failure().map(Check::detail).orElse(""),
                                    (x, y) -> x.compareTo(y) <= 0 ? x : y));
                }
                if (failure == null) {
                    passed++;
                    signers.add(a.description());
                    if (passed >= set.required()) {
                        return null;
                    }
                } else {
                    undecided |= failure.startsWith("ERROR:");
                    why.add(a.description() + ": " + failure.replaceFirst("^(ERROR|FAIL):", ""));
                }
            }
            String wanted = predicateType == null ? "a signature" : "an attestation of type " + predicateType;
            // An unreadable registry is not an unsigned image: say which registry, and why that denies.
            String fix = undecided
                    ? "the evidence could not be read from registry " + ref.registry() + "; make it reachable from"
                    + " Trustplane and retry (a check that cannot finish denies under Enforce, which fails closed,"
                    + " and under Audit unless the policy's failurePolicy is Ignore)"
                    : set.entries().stream().anyMatch(a -> a.notary() != null || a.template() != null
                    && a.template().notary())
                    ? "sign " + ref.name() + "@" + d + " with notation, with a certificate that chains to the policy's"
                    + " certificates" + (predicateType == null ? "" : " (and attach the " + predicateType
                    + " artifact, signed so)")
                    : predicateType == null
                    ? "sign " + ref.name() + "@" + d + " with one of them (`trustplane sign` or cosign sign), or add its signer to the policy"
                    : "attest " + ref.name() + "@" + d + " (`trustplane attest --type " + predicateType + "`) with one of them, or change the policy";
            return (undecided ? "ERROR:" : "FAIL:") + "expected " + wanted + " verified by " + set.required() + " of "
                    + set.entries().size() + " attestor" + (set.entries().size() == 1 ? "" : "s") + ", " + passed
                    + " verified. Found: " + String.join("; ", why) + ". Fix: " + fix;
        }
    }
}
