package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of a rule's {@code context}: a named value loaded when the rule applies, before its
 * preconditions, in the order the entries are written (a later one may use an earlier one).
 *
 * @param spec the source's own object ({@code configMap}, {@code variable}, {@code apiCall} or
 *             {@code imageRegistry}), its strings still holding their {@code {{ }}} variables
 * @param path where the entry is in the policy, for messages
 */
record ContextEntry(String name, Kind kind, JsonNode spec, String path) {

    enum Kind {
        CONFIG_MAP("configMap"), VARIABLE("variable"), API_CALL("apiCall"), IMAGE_REGISTRY("imageRegistry");

        final String field;

        Kind(String field) {
            this.field = field;
        }
    }
}
