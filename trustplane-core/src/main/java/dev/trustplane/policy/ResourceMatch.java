package dev.trustplane.policy;

import java.util.List;

/**
 * Kyverno's {@code match}/{@code exclude}: {@code any} (one filter must hold) and {@code all}
 * (every filter must hold); the legacy {@code resources} form is one {@code all} filter.
 */
record ResourceMatch(List<ResourceFilter> any, List<ResourceFilter> all) {
    public static final ResourceMatch NONE = new ResourceMatch(List.of(), List.of());

    public ResourceMatch {
        any = List.copyOf(any);
        all = List.copyOf(all);
    }

    public boolean isEmpty() {
        return any.isEmpty() && all.isEmpty();
    }
}
