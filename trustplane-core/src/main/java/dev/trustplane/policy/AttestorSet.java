package dev.trustplane.policy;

import java.util.List;

/** One {@code attestors} item: at least {@code count} of its entries must verify (all when count is unset). */
record AttestorSet(Integer count, List<Attestor> entries) {

    public AttestorSet {
        entries = List.copyOf(entries);
    }

    public int required() {
        return count == null ? entries.size() : count;
    }
}
