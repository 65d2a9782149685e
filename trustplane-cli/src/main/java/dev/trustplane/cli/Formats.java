package dev.trustplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;

/** The output formats verbs accept. */
final class Formats {
    /** {@code -o table|json} of the listing verbs ({@code drift}, {@code trust list}). */
    enum Listing { TABLE, JSON }

    private Formats() {
    }

    static void require(String format) {
        if (!format.equals("text") && !format.equals("json")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unknown --format \"" + format
                    + "\"; use text or json");
        }
    }

    /** {@code node} as indented JSON. */
    static String json(JsonNode node) {
        try {
            return Json.pretty().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
