package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A {@code validate} rule: the resource must match {@code patterns} (one, or any of
 * {@code anyPattern}), or — a {@code deny} rule — its {@code deny} conditions must not all hold.
 */
record ValidateRule(String message, List<JsonNode> patterns, boolean any, List<Conditions.Block> deny) {

    public ValidateRule {
        patterns = List.copyOf(patterns);
        deny = deny == null ? null : List.copyOf(deny);
    }
}
