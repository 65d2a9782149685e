package dev.trustplane.trust;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical JSON TUF signs ("OLPC" canonical JSON, as securesystemslib, go-tuf and tuf-js
 * write it): object keys sorted, no whitespace, strings with only {@code "} and {@code \}
 * escaped, integers only. A float in signed metadata cannot be canonicalised: refused.
 */
final class TufCanonicalJson {
    private TufCanonicalJson() {
    }

    static byte[] of(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder sb) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            sb.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                string(keys.get(i), sb);
                sb.append(':');
                write(node.get(keys.get(i)), sb);
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(node.get(i), sb);
            }
            sb.append(']');
        } else if (node.isTextual()) {
            string(node.asText(), sb);
        } else if (node.isIntegralNumber()) {
            sb.append(node.bigIntegerValue());
        } else if (node.isBoolean()) {
            sb.append(node.booleanValue());
        } else if (node.isNull()) {
            sb.append("null");
        } else {
            throw new IllegalArgumentException("a " + node.getNodeType() + " value cannot be canonicalised");
        }
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }
}
