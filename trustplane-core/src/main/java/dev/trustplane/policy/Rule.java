package dev.trustplane.policy;

import java.util.List;
import java.util.Map;

/**
 * One rule of a policy: which resources it applies to, and either image verification or a
 * validation pattern; its {@code context} entries are loaded when it applies, before its
 * preconditions; its {@code imageExtractors} (by kind) say where a custom resource keeps its images.
 */
record Rule(String name, ResourceMatch match, ResourceMatch exclude, FailureAction action,
        List<ImageRule> verifyImages, ValidateRule validate, List<Conditions.Block> preconditions,
        List<ContextEntry> context, Map<String, List<ImageExtractor>> imageExtractors) {

    public Rule {
        verifyImages = List.copyOf(verifyImages);
        context = context == null ? List.of() : List.copyOf(context);
        imageExtractors = imageExtractors == null ? Map.of() : Map.copyOf(imageExtractors);
        preconditions = preconditions == null ? List.of() : List.copyOf(preconditions);
    }
}
