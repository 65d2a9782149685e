package dev.trustplane.policy;

import java.util.List;

/**
 * One rule of a policy: which resources it applies to, and either image verification or a
 * validation pattern; its {@code context} entries are loaded when it applies, before its
 * preconditions.
 */
record Rule(String name, ResourceMatch match, ResourceMatch exclude, FailureAction action,
        List<ImageRule> verifyImages, ValidateRule validate, List<Conditions.Block> preconditions,
        List<ContextEntry> context) {

    public Rule {
        verifyImages = List.copyOf(verifyImages);
        context = context == null ? List.of() : List.copyOf(context);
        preconditions = preconditions == null ? List.of() : List.copyOf(preconditions);
    }
}
