package dev.trustplane.policy;

import java.util.List;

/**
 * One {@code attestations} item: a predicate type that must be attested by {@code attestors}
 * (the rule's own when empty) and whose predicate must satisfy {@code conditions}; with a
 * {@code name}, the verified predicate is available to the entry's {@code validate.deny} as
 * {@code {{ name.… }}}.
 */
record AttestationCheck(String predicateType, List<AttestorSet> attestors, List<Conditions.Block> conditions,
        String name) {

    public AttestationCheck {
        attestors = List.copyOf(attestors);
        conditions = List.copyOf(conditions);
    }
}
