package dev.trustplane.policy;

import java.time.Instant;
import java.util.List;

/**
 * A Kyverno {@code PolicyException} ({@code kyverno.io/v2}, {@code v2beta1}): the rules it names
 * are skipped for the resources its {@code match} (and {@code conditions}) select. Beyond Kyverno,
 * the annotation {@code trustplane.dev/expires} (RFC 3339) ends it: after that instant it no
 * longer applies, so an exception granted for an incident cannot outlive it unnoticed.
 *
 * @param exceptions which policies ({@code name}, or {@code namespace/name} for a namespaced
 *                   Policy) and rules it covers
 * @param expires    null when it does not expire
 */
public record PolicyException(String name, String namespace, String source, List<Target> exceptions,
        ResourceMatch match, List<Conditions.Block> conditions, Instant expires) {

    /** An annotation Trustplane adds: when the exception stops applying. */
    public static final String EXPIRES = "trustplane.dev/expires";

    public PolicyException {
        exceptions = List.copyOf(exceptions);
        conditions = List.copyOf(conditions);
    }

    /** One {@code exceptions[]} entry. */
    public record Target(String policyName, List<String> ruleNames) {
        public Target {
            ruleNames = List.copyOf(ruleNames);
        }

        /** Whether it names {@code rule} of {@code policy} (Kyverno's autogen rule names count as the rule's). */
        boolean covers(Policy policy, String rule) {
            return policyName.equals(policy.displayName()) && ruleNames.stream()
                    .anyMatch(r -> r.equals(rule) || r.equals("autogen-" + rule) || r.equals("autogen-cronjob-" + rule));
        }
    }

    /** {@code namespace/name}, as decisions and the ledger name it. */
    public String displayName() {
        return (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
    }

    /** Whether it is still in force at {@code now}. */
    public boolean inForceAt(Instant now) {
        return expires == null || now.isBefore(expires);
    }
}
