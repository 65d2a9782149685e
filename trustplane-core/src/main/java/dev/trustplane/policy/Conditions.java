package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPathException;
import io.burt.jmespath.RuntimeConfiguration;
import io.burt.jmespath.jackson.JacksonRuntime;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kyverno's {@code conditions}: blocks of {@code all} (every condition must hold) and {@code any}
 * (one must), each condition a {@code key}, an {@code operator} and a {@code value}. Keys and
 * values are literals or JMESPath in {@code {{ … }}}; a whole-string expression keeps its JSON
 * type, an embedded one is substituted as text. Operators: Equals, NotEquals (wildcards on
 * strings), AnyIn, AllIn, AnyNotIn, AllNotIn (and the older In, NotIn), GreaterThan,
 * GreaterThanOrEquals, LessThan, LessThanOrEquals (numbers, and versions like 1.2.3), and
 * Duration{GreaterThan,LessThan}[OrEquals] (Go durations such as {@code 1h30m}).
 */
final class Conditions {
    static final List<String> OPERATORS = List.of("Equals", "NotEquals", "AnyIn", "AllIn", "AnyNotIn", "AllNotIn",
            "In", "NotIn", "GreaterThan", "GreaterThanOrEquals", "LessThan", "LessThanOrEquals",
            "DurationGreaterThan", "DurationGreaterThanOrEquals", "DurationLessThan", "DurationLessThanOrEquals");
    private static final JacksonRuntime JMESPATH = new JacksonRuntime(RuntimeConfiguration.builder()
            .withFunctionRegistry(KyvernoFunctions.registry()).build());
    private static final Pattern UNKNOWN_FUNCTION = Pattern.compile("(?i)unknown function[^\"']*[\"']?([A-Za-z_0-9]+)");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Map<String, Expression<JsonNode>> COMPILED = new ConcurrentHashMap<>();

    private Conditions() {
    }

    /** One condition; {@code message} is shown when it does not hold. */
    public record Condition(JsonNode key, String operator, JsonNode value, String message) {
    }

    /** One block: every {@code all} condition and, when there are any, one {@code any} condition must hold. */
    public record Block(List<Condition> all, List<Condition> any) {
        public Block {
            all = List.copyOf(all);
            any = List.copyOf(any);
        }
    }

    /**
     * Compiles every expression in {@code node} (a key or value), innermost first as Kyverno
     * substitutes nested {@code {{ }}}; returns the problem (a syntax error, or a function
     * Trustplane does not have, said as such), or null.
     */
    static String check(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        String text = node.asText();
        for (int guard = 0; guard < 64; guard++) {
            int close = text.indexOf("}}");
            int open = close < 0 ? -1 : text.lastIndexOf("{{", close);
            if (open < 0) {
                return null;
            }
            String expression = text.substring(open + 2, close).strip();
            try {
                compile(expression);
            } catch (JmesPathException | IllegalArgumentException e) {
                Matcher unknown = UNKNOWN_FUNCTION.matcher(String.valueOf(e.getMessage()));
                if (unknown.find()) {
                    return "the JMESPath expression \"" + expression + "\" calls " + unknown.group(1) + "(), a function"
                            + " Trustplane does not support (it has JMESPath's and Kyverno's "
                            + String.join(", ", KyvernoFunctions.NAMES) + ")";
                }
                return "the JMESPath expression \"" + expression + "\" is invalid: " + e.getMessage();
            }
            text = text.substring(0, open) + "x" + text.substring(close + 2);
        }
        return null;
    }

    /**
     * Evaluates every block against {@code context}; returns null when all hold, else why not
     * (the failing condition with the value found).
     */
    public static String evaluate(List<Block> blocks, JsonNode context) {
        for (Block block : blocks) {
            for (Condition c : block.all()) {
                if (!holds(c, context)) {
                    return explain(c, context);
                }
            }
            if (!block.any().isEmpty() && block.any().stream().noneMatch(c -> holds(c, context))) {
                List<String> why = new ArrayList<>();
                block.any().forEach(c -> why.add(explain(c, context)));
                return "none of the 'any' conditions holds: " + String.join("; ", why);
            }
        }
        return null;
    }

    private static String explain(Condition c, JsonNode context) {
        String found = resolve(c.key(), context).toString();
        String text = "condition " + c.key() + " " + c.operator() + " " + c.value() + " does not hold (found "
                + (found.length() > 200 ? found.substring(0, 200) + "…" : found) + ")";
        return c.message() == null || c.message().isBlank() ? text : c.message() + " — " + text;
    }

    static boolean holds(Condition c, JsonNode context) {
        JsonNode key = resolve(c.key(), context);
        JsonNode value = resolve(c.value(), context);
        return switch (c.operator()) {
            case "Equals" -> equal(key, value);
            case "NotEquals" -> !equal(key, value);
            case "AnyIn", "In" -> elements(key).stream().anyMatch(k -> in(k, value));
            case "AllIn" -> elements(key).stream().allMatch(k -> in(k, value));
            case "AnyNotIn" -> elements(key).stream().anyMatch(k -> !in(k, value));
            case "AllNotIn", "NotIn" -> elements(key).stream().noneMatch(k -> in(k, value));
            case "GreaterThan" -> compare(key, value) > 0;
            case "GreaterThanOrEquals" -> compare(key, value) >= 0 && compare(key, value) != Integer.MIN_VALUE;
            case "LessThan" -> compare(key, value) < 0 && compare(key, value) != Integer.MIN_VALUE;
            case "LessThanOrEquals" -> compare(key, value) <= 0 && compare(key, value) != Integer.MIN_VALUE;
            case "DurationGreaterThan" -> durations(key, value) > 0;
            case "DurationGreaterThanOrEquals" -> durations(key, value) >= 0 && durations(key, value) != Integer.MIN_VALUE;
            case "DurationLessThan" -> durations(key, value) < 0 && durations(key, value) != Integer.MIN_VALUE;
            case "DurationLessThanOrEquals" -> durations(key, value) <= 0 && durations(key, value) != Integer.MIN_VALUE;
            default -> false;
        };
    }

    /** Substitutes {@code {{ expr }}}: a whole-string expression keeps its JSON type. */
    static JsonNode resolve(JsonNode node, JsonNode context) {
        if (node == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(resolve(n, context)));
            return out;
        }
        if (!node.isTextual()) {
            return node;
        }
        String text = node.asText();
        if (!text.contains("{{")) {
            return node;
        }
        return Variables.resolve(text, context, null);
    }

    /** Substitutes variables in a message (Kyverno's {@code {{request.object.metadata.name}}}). */
    public static String substitute(String message, JsonNode context) {
        if (message == null || !message.contains("{{")) {
            return message;
        }
        try {
            JsonNode r = resolve(TextNode.valueOf(message), context);
            return r.isTextual() ? r.asText() : r.toString();
        } catch (JmesPathException | IllegalArgumentException e) {
            return message;
        }
    }

    static Expression<JsonNode> compile(String expression) {
        return COMPILED.computeIfAbsent(expression, JMESPATH::compile);
    }

    private static boolean equal(JsonNode key, JsonNode value) {
        if (key.isNumber() || value.isNumber()) {
            BigDecimal a = number(key);
            BigDecimal b = number(value);
            return a != null && b != null && a.compareTo(b) == 0;
        }
        if (key.isTextual() && value.isTextual()) {
            return Wildcards.match(value.asText(), key.asText());
        }
        if (key.isBoolean() && value.isTextual()) {
            return key.asText().equals(value.asText());
        }
        return Objects.equals(key, value);
    }

    private static boolean in(JsonNode element, JsonNode set) {
        return elements(set).stream().anyMatch(s -> equal(element, s));
    }

    private static List<JsonNode> elements(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else {
            out.add(node);
        }
        return out;
    }

    /** Compares numbers (or numeric text), else dotted versions; {@link Integer#MIN_VALUE} when incomparable. */
    private static int compare(JsonNode a, JsonNode b) {
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        if (x != null && y != null) {
            return Integer.signum(x.compareTo(y));
        }
        if (a.isTextual() && b.isTextual()) {
            int[] v = version(a.asText());
            int[] w = version(b.asText());
            if (v != null && w != null) {
                for (int i = 0; i < Math.max(v.length, w.length); i++) {
                    int p = i < v.length ? v[i] : 0;
                    int q = i < w.length ? w[i] : 0;
                    if (p != q) {
                        return Integer.signum(Integer.compare(p, q));
                    }
                }
                return 0;
            }
        }
        return Integer.MIN_VALUE;
    }

    private static int durations(JsonNode a, JsonNode b) {
        Duration x = duration(a);
        Duration y = duration(b);
        return x == null || y == null ? Integer.MIN_VALUE : Integer.signum(x.compareTo(y));
    }

    /** A Go duration ({@code 1h30m}, {@code 90s}, {@code 1.5h}) or a number of seconds. */
    static Duration duration(JsonNode node) {
        if (node.isNumber()) {
            return Duration.ofMillis(Math.round(node.asDouble() * 1000));
        }
        if (!node.isTextual()) {
            return null;
        }
        String text = node.asText().trim();
        boolean negative = text.startsWith("-");
        String body = negative ? text.substring(1) : text;
        Matcher m = GO_DURATION.matcher(body);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += Math.round(amount * unit);
            end = m.end();
        }
        if (end == 0 || end != body.length()) {
            return null;
        }
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    private static BigDecimal number(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static int[] version(String text) {
        String t = text.startsWith("v") ? text.substring(1) : text;
        String[] parts = t.split("\\.");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }
}
