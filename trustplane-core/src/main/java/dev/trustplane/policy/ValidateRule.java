package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A {@code validate} rule: the resource must match {@code patterns} (one, or any of {@code anyPattern}). */
record ValidateRule(String message, List<JsonNode> patterns, boolean any) {

    public ValidateRule {
        patterns = List.copyOf(patterns);
    }
}
