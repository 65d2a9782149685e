package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * RFC 8785 JSON canonicalization for the documents Rekor signs and hashes: objects with keys
 * sorted by UTF-16 code units, no whitespace, strings escaped minimally, integers as written,
 * other numbers as ECMAScript prints them (policies hashed for the ledger may hold them).
 */
public final class CanonicalJson {
    private CanonicalJson() {
    }

    public static byte[] of(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb, false);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The canonical JSON TUF signs ("OLPC" canonical JSON, as securesystemslib, go-tuf and tuf-js
     * write it): the same sorted, whitespace-free form, but strings with only {@code "} and
     * {@code \} escaped and integers only — a float cannot be canonicalised and is refused.
     */
    public static byte[] olpc(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb, true);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder sb, boolean olpc) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            Iterator<String> it = node.fieldNames();
            it.forEachRemaining(keys::add);
            keys.sort(null);
            sb.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                string(keys.get(i), sb, olpc);
                sb.append(':');
                write(node.get(keys.get(i)), sb, olpc);
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(node.get(i), sb, olpc);
            }
            sb.append(']');
        } else if (node.isTextual()) {
            string(node.asText(), sb, olpc);
        } else if (node.isIntegralNumber()) {
            sb.append(node.bigIntegerValue());
        } else if (node.isBoolean() || node.isNull()) {
            sb.append(node.toString());
        } else if (olpc) {
            throw new IllegalArgumentException("a " + node.getNodeType() + " value cannot be canonicalised");
        } else if (node.isNumber() && Double.isFinite(node.doubleValue())) {
            sb.append(ecmaScript(node.doubleValue()));
        } else {
            throw new IllegalArgumentException("canonical JSON has no NaN or infinite numbers");
        }
    }

    /**
     * A non-integral number as RFC 8785 writes it: ECMAScript's Number.prototype.toString of the
     * double (the shortest digits that read back to it — Java's Double.toString since JDK 19 — laid
     * out plainly from 1e-6 to 1e21, in exponent form outside).
     */
    static String ecmaScript(double d) {
        if (d == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int k = digits.length();
        int n = k - b.scale();
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }

    private static void string(String s, StringBuilder sb, boolean olpc) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (olpc) {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
                continue;
            }
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
