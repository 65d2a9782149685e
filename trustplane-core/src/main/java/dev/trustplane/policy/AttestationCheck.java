package dev.trustplane.policy;

import java.util.List;

/**
 * One {@code attestations} item: a predicate type that must be attested by {@code attestors}
 * (the rule's own when empty) and whose predicate must satisfy {@code conditions}.
 */
record AttestationCheck(String predicateType, List<AttestorSet> attestors, List<Conditions.Block> conditions) {

    public AttestationCheck {
        attestors = List.copyOf(attestors);
        conditions = List.copyOf(conditions);
    }
}
