package dev.trustplane.policy;

import java.util.List;

/**
 * One rule of a policy: which resources it applies to, and either image verification or a
 * validation pattern.
 */
record Rule(String name, ResourceMatch match, ResourceMatch exclude, FailureAction action,
        List<ImageRule> verifyImages, ValidateRule validate, List<Conditions.Block> preconditions) {

    public Rule {
        verifyImages = List.copyOf(verifyImages);
        preconditions = preconditions == null ? List.of() : List.copyOf(preconditions);
    }
}
