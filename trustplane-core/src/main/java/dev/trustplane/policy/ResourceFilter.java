package dev.trustplane.policy;

import java.util.List;

/**
 * One {@code resources} block: every field that is set must hold. Kinds are {@code Kind},
 * {@code group/version/Kind}, {@code version/Kind} or {@code *}; names and namespaces are
 * wildcards; operations are the admission operations (CREATE, UPDATE, DELETE, CONNECT).
 */
record ResourceFilter(List<String> kinds, List<String> names, List<String> namespaces,
        LabelSelector namespaceSelector, LabelSelector selector, List<String> operations) {

    public ResourceFilter {
        kinds = List.copyOf(kinds);
        names = List.copyOf(names);
        namespaces = List.copyOf(namespaces);
        operations = List.copyOf(operations);
    }
}
