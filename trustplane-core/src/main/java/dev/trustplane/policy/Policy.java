package dev.trustplane.policy;

import java.util.List;

/**
 * One Kyverno {@code ClusterPolicy} or {@code Policy} document as Trustplane evaluates it.
 *
 * @param kind         {@code ClusterPolicy} or {@code Policy} (namespaced: applies only in {@code namespace})
 * @param source       the file (and document number) it came from
 * @param hash         SHA-256 of the document's canonical JSON: the ledger records which version decided
 * @param autogen      whether Pod rules also apply to the pod templates of controllers (Kyverno's autogen)
 * @param admission    Kyverno's {@code spec.admission}: false keeps the policy out of the webhook
 *                     (it still runs in {@code policy test} and drift passes)
 * @param background   Kyverno's {@code spec.background}: false keeps the policy out of drift passes
 *                     (the re-evaluation of what runs)
 * @param failClosed   Kyverno's {@code failurePolicy} (of {@code webhookConfiguration}, or the
 *                     deprecated {@code spec.failurePolicy}) is Fail, the default: a rule that
 *                     ends in an error denies the request even under Audit, as Kyverno's
 *                     {@code BlockRequest} does; Ignore lets such a request through with a warning
 * @param exceptions   the PolicyExceptions loaded beside it that name it
 */
public record Policy(String kind, String name, String namespace, String source, String hash, List<Rule> rules,
        Integer webhookTimeoutSeconds, boolean autogen, boolean admission, boolean background, boolean failClosed,
        List<PolicyException> exceptions) {

    public Policy {
        rules = List.copyOf(rules);
        exceptions = exceptions == null ? List.of() : List.copyOf(exceptions);
    }

    /** This policy with the exceptions (of all loaded) that name it. */
    public Policy withExceptions(List<PolicyException> all) {
        List<PolicyException> mine = all.stream()
                .filter(e -> e.exceptions().stream().anyMatch(t -> t.policyName().equals(displayName()))).toList();
        return new Policy(kind, name, namespace, source, hash, rules, webhookTimeoutSeconds, autogen, admission,
                background, failClosed, mine);
    }

    /** The name a decision shows: {@code name} or {@code namespace/name} for a namespaced policy. */
    public String displayName() {
        return namespace == null ? name : namespace + "/" + name;
    }
}
