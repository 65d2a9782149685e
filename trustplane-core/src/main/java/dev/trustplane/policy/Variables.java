package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import io.burt.jmespath.JmesPathException;
import java.util.Iterator;
import java.util.Map;

/**
 * Kyverno's variable substitution in the fields of a rule (attestor keys and identities, context
 * entries): every {@code {{ expr }}} in every string of a JSON tree, innermost first. A string that
 * is one whole expression takes the JSON type of its value; an embedded one is written as text. As
 * in Kyverno, a variable that resolves to nothing is an error naming the field and the
 * expression — a key read from a missing ConfigMap entry must never become an empty key.
 */
final class Variables {
    private Variables() {
    }

    /** Whether any string of {@code node} holds a {@code {{ }}} expression. */
    static boolean present(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            return node.asText().contains("{{");
        }
        for (JsonNode child : node) {
            if (present(child)) {
                return true;
            }
        }
        return false;
    }

    /** Reports every expression of {@code node} that does not compile, with its field. */
    static void check(JsonNode node, String path, PolicyDocument d) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            String problem = Conditions.check(node);
            if (problem != null) {
                d.error(path, problem);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> check(e.getValue(), path + "." + e.getKey(), d));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]", d);
            }
        }
    }

    /** {@code node} with every expression substituted from {@code context}; throws naming {@code path} when one resolves to nothing. */
    static JsonNode substitute(JsonNode node, JsonNode context, String path) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return text(node.asText(), context, path);
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), substitute(e.getValue(), context, path + "." + e.getKey()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(substitute(node.get(i), context, path + "[" + i + "]"));
            }
            return out;
        }
        return node;
    }

    /** {@code text} substituted, as text (a non-text value written as JSON). */
    static String substituteText(String text, JsonNode context, String path) {
        if (text == null) {
            return null;
        }
        JsonNode r = text(text, context, path);
        return r.isTextual() ? r.asText() : r.toString();
    }

    private static JsonNode text(String original, JsonNode context, String path) {
        return resolve(original, context, path);
    }

    /**
     * Kyverno's substitution of one string, innermost {@code {{ }}} first: the inner value (text
     * as is, anything else as JSON) is written into the outer expression, which is then evaluated;
     * a string that is one whole expression keeps its value's JSON type. With {@code path} (strict),
     * an expression that fails or resolves to nothing is an error naming the field; without it
     * (conditions), nothing resolves to null — or to "" inside a longer string — and a failing
     * expression throws its own JMESPath error.
     */
    static JsonNode resolve(String original, JsonNode context, String path) {
        String text = original;
        for (int guard = 0; guard < 64; guard++) {
            int close = text.indexOf("}}");
            int open = close < 0 ? -1 : text.lastIndexOf("{{", close);
            if (open < 0) {
                break;
            }
            String expression = text.substring(open + 2, close).strip();
            JsonNode r;
            try {
                r = Conditions.compile(expression).search(context);
            } catch (JmesPathException | IllegalArgumentException e) {
                if (path == null) {
                    throw e;
                }
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, path + ": the expression \"" + expression
                        + "\" failed: " + e.getMessage());
            }
            boolean nothing = r == null || r.isNull() || r.isMissingNode();
            if (nothing && path != null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, path + ": the variable \"" + expression
                        + "\" resolves to nothing (is the ConfigMap key or context entry there?)");
            }
            if (text.substring(0, open).isBlank() && text.substring(close + 2).isBlank()) {
                return nothing ? JsonNodeFactory.instance.nullNode() : r;
            }
            text = text.substring(0, open) + (nothing ? "" : r.isTextual() ? r.asText() : r.toString())
                    + text.substring(close + 2);
        }
        return TextNode.valueOf(text);
    }
}
