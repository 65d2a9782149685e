package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.ImageReference;
import io.burt.jmespath.JmesPathException;
import java.util.List;

/**
 * Loads a rule's {@code context} entries into the JSON its variables resolve against, with
 * Kyverno's semantics: in order, each entry's own variables substituted from what is loaded so far;
 * a {@code jmesPath} applied to the loaded value (or, for a {@code variable} without {@code value},
 * to the whole context); {@code default} used when the result is null or the lookup fails (Kyverno's
 * {@code apiCall} and {@code variable} defaults); otherwise a failure is an error that names the
 * entry — the rule then decides "error", which Enforce denies.
 */
final class ContextLoader {
    private ContextLoader() {
    }

    /** A copy of {@code base} with every entry loaded, or throws naming the entry that could not be. */
    static ObjectNode load(List<ContextEntry> entries, JsonNode base, ContextSource source, ImageVerifier images) {
        ObjectNode context = base.isObject() ? ((ObjectNode) base).deepCopy() : base.deepCopy();
        for (ContextEntry e : entries) {
            JsonNode value;
            try {
                value = entry(e, context, source, images);
            } catch (TrustplaneException ex) {
                throw new TrustplaneException(ex.kind(), "context entry \"" + e.name() + "\" (" + e.kind().field
                        + ") could not be loaded: " + ex.getMessage());
            }
            context.set(e.name(), value);
        }
        return context;
    }

    private static JsonNode entry(ContextEntry e, ObjectNode context, ContextSource source, ImageVerifier images) {
        JsonNode spec = e.spec();
        String p = e.path() + "." + e.kind().field;
        return switch (e.kind()) {
            case CONFIG_MAP -> {
                String name = Variables.substituteText(spec.path("name").asText(), context, p + ".name");
                String ns = spec.hasNonNull("namespace")
                        ? Variables.substituteText(spec.get("namespace").asText(), context, p + ".namespace") : "";
                String namespace = ns.isEmpty() ? "default" : ns;
                JsonNode cm = source.configMap(namespace, name);
                if (cm == null) {
                    throw new TrustplaneException(ErrorKind.NOT_FOUND, "ConfigMap " + namespace + "/" + name
                            + " does not exist");
                }
                yield cm;
            }
            case VARIABLE -> {
                JsonNode value = spec.has("value") ? Variables.substitute(spec.get("value"), context, p + ".value") : null;
                JsonNode result = value;
                if (spec.hasNonNull("jmesPath")) {
                    String jp = Variables.substituteText(spec.get("jmesPath").asText(), context, p + ".jmesPath");
                    result = search(jp, value != null ? value : context, p + ".jmesPath");
                }
                yield orDefault(result, spec, context, p, "the variable evaluated to null and has no default");
            }
            case API_CALL -> {
                String url = Variables.substituteText(spec.path("urlPath").asText(), context, p + ".urlPath");
                JsonNode result;
                try {
                    result = source.get(url);
                    if (spec.hasNonNull("jmesPath")) {
                        String jp = Variables.substituteText(spec.get("jmesPath").asText(), context, p + ".jmesPath");
                        result = search(jp, result, p + ".jmesPath");
                    }
                } catch (TrustplaneException ex) {
                    if (!spec.has("default")) {
                        throw ex;
                    }
                    result = null;
                }
                yield orDefault(result, spec, context, p, "GET " + url + " gave null and the entry has no default");
            }
            case IMAGE_REGISTRY -> {
                String ref = Variables.substituteText(spec.path("reference").asText(), context, p + ".reference");
                JsonNode data = images.imageData(ImageReference.parse(ref));
                yield spec.hasNonNull("jmesPath") ? orDefault(search(Variables.substituteText(
                        spec.get("jmesPath").asText(), context, p + ".jmesPath"), data, p + ".jmesPath"), spec, context,
                        p, "the jmesPath gave null for image " + ref) : data;
            }
        };
    }

    private static JsonNode orDefault(JsonNode result, JsonNode spec, JsonNode context, String path, String otherwise) {
        if (result != null && !result.isNull() && !result.isMissingNode()) {
            return result;
        }
        if (spec.has("default")) {
            return Variables.substitute(spec.get("default"), context, path + ".default");
        }
        throw new TrustplaneException(ErrorKind.INVALID_INPUT, otherwise);
    }

    private static JsonNode search(String expression, JsonNode on, String path) {
        try {
            return Conditions.compile(expression).search(on);
        } catch (JmesPathException | IllegalArgumentException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, path + ": \"" + expression + "\" failed: "
                    + e.getMessage());
        }
    }
}
