package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Kyverno's {@code validate.pattern}: the resource must have every field of the pattern with a
 * matching value. Anchors on keys: {@code =(k)} (if present, must match), {@code (k)}
 * (conditional: when it does not match, the check is skipped up to the nearest array element — that
 * element is skipped — or, at the top, the whole rule), {@code X(k)} (must be
 * absent), {@code ^(k)} (an array where at least one element matches). Values: wildcards
 * {@code *} and {@code ?}, alternatives {@code a | b}, conjunction {@code a & b}, negation
 * {@code !a}, comparisons {@code >N >=N <N <=N}; {@code *} alone means "any non-null value". An
 * array pattern of one element applies it to every element of the resource's array.
 */
final class Patterns {
    private Patterns() {
    }

    /** The outcome: pass, fail with the path and reason, or skip (a conditional anchor did not hold). */
    public record Result(Outcome status, String path, String reason) {

        static final Result PASS = new Result(Outcome.PASS, null, null);

        static Result fail(String path, String reason) {
            return new Result(Outcome.FAIL, path, reason);
        }

        static Result skip(String path, String reason) {
            return new Result(Outcome.SKIP, path, reason);
        }
    }

    /** Checks that every anchor in {@code pattern} is one this matcher knows; returns the problem or null. */
    static String check(JsonNode pattern, String path) {
        if (pattern.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = pattern.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.matches("^[+<]\\(.*\\)$")) {
                    return path + "." + key + ": the " + key.charAt(0) + "() anchor is for mutate or global"
                            + " conditions; Trustplane's validate patterns support =(), (), X() and ^()";
                }
                String inner = check(e.getValue(), path + "." + key);
                if (inner != null) {
                    return inner;
                }
            }
        } else if (pattern.isArray()) {
            for (int i = 0; i < pattern.size(); i++) {
                String inner = check(pattern.get(i), path + "[" + i + "]");
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    public static Result match(JsonNode pattern, JsonNode resource) {
        return match(pattern, resource, "");
    }

    private static Result match(JsonNode pattern, JsonNode resource, String path) {
        if (pattern.isObject()) {
            return object(pattern, resource, path);
        }
        if (pattern.isArray()) {
            return array(pattern, resource, path);
        }
        return scalar(pattern, resource) ? Result.PASS : Result.fail(path.isEmpty() ? "." : path.substring(1),
                "value " + shown(resource) + " does not match '" + pattern.asText() + "'");
    }

    private static Result object(JsonNode pattern, JsonNode resource, String path) {
        if (resource == null || !resource.isObject()) {
            return Result.fail(path.isEmpty() ? "." : path.substring(1), "expected an object, found " + shown(resource));
        }
        // Conditional anchors first: when one does not hold, the whole object is skipped.
        Iterator<Map.Entry<String, JsonNode>> it = pattern.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.startsWith("(") && key.endsWith(")")) {
                String name = key.substring(1, key.length() - 1);
                JsonNode value = resource.get(name);
                if (value == null) {
                    return Result.skip(path + "." + name, "conditional field is absent");
                }
                Result r = match(e.getValue(), value, path + "." + name);
                if (r.status() != Outcome.PASS) {
                    return Result.skip(path + "." + name, "conditional field does not match");
                }
            }
        }
        it = pattern.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.startsWith("(") && key.endsWith(")")) {
                continue;
            }
            Result r;
            if (key.startsWith("=(") && key.endsWith(")")) {
                String name = key.substring(2, key.length() - 1);
                JsonNode value = resource.get(name);
                r = value == null ? Result.PASS : match(e.getValue(), value, path + "." + name);
            } else if (key.startsWith("X(") && key.endsWith(")")) {
                String name = key.substring(2, key.length() - 1);
                r = resource.has(name) ? Result.fail(path.isEmpty() ? name : path.substring(1) + "." + name,
                        "the field must not be present") : Result.PASS;
            } else if (key.startsWith("^(") && key.endsWith(")")) {
                String name = key.substring(2, key.length() - 1);
                r = existence(e.getValue(), resource.get(name), path + "." + name);
            } else {
                JsonNode value = resource.get(key);
                if (value == null || value.isNull()) {
                    if (e.getValue().isNull() || (e.getValue().isTextual() && e.getValue().asText().isEmpty())) {
                        r = Result.PASS;
                    } else {
                        r = Result.fail((path.isEmpty() ? "" : path.substring(1) + ".") + key, "the field is missing");
                    }
                } else {
                    r = match(e.getValue(), value, path + "." + key);
                }
            }
            if (r.status() != Outcome.PASS) {
                return r;
            }
        }
        return Result.PASS;
    }

    private static Result existence(JsonNode pattern, JsonNode resource, String path) {
        if (resource == null || !resource.isArray() || !pattern.isArray() || pattern.isEmpty()) {
            return Result.fail(path.substring(1), "expected an array with at least one matching element");
        }
        for (JsonNode element : resource) {
            if (match(pattern.get(0), element, path).status() == Outcome.PASS) {
                return Result.PASS;
            }
        }
        return Result.fail(path.substring(1), "no element matches");
    }

    private static Result array(JsonNode pattern, JsonNode resource, String path) {
        if (resource == null || !resource.isArray()) {
            return Result.fail(path.isEmpty() ? "." : path.substring(1), "expected an array, found " + shown(resource));
        }
        if (pattern.size() == 1) {
            for (int i = 0; i < resource.size(); i++) {
                Result r = match(pattern.get(0), resource.get(i), path + "[" + i + "]");
                if (r.status() == Outcome.FAIL) {
                    return r;
                }
            }
            return Result.PASS;
        }
        if (pattern.size() != resource.size()) {
            return Result.fail(path.substring(1), "expected " + pattern.size() + " elements, found " + resource.size());
        }
        for (int i = 0; i < pattern.size(); i++) {
            Result r = match(pattern.get(i), resource.get(i), path + "[" + i + "]");
            if (r.status() == Outcome.FAIL) {
                return r;
            }
        }
        return Result.PASS;
    }

    private static boolean scalar(JsonNode pattern, JsonNode resource) {
        if (pattern.isNull()) {
            return resource == null || resource.isNull();
        }
        if (resource == null || resource.isNull()) {
            return false;
        }
        if (resource.isContainerNode()) {
            return pattern.isTextual() && pattern.asText().trim().equals("*");
        }
        if (pattern.isBoolean() || pattern.isNumber()) {
            return pattern.asText().equals(resource.asText())
                    || (pattern.isNumber() && resource.isNumber() && pattern.decimalValue().compareTo(resource.decimalValue()) == 0);
        }
        String value = resource.asText();
        for (String alternative : pattern.asText().split("\\|")) {
            boolean all = true;
            for (String part : alternative.split("&")) {
                if (!single(part.trim(), value)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean single(String pattern, String value) {
        if (pattern.startsWith("!")) {
            return !single(pattern.substring(1).trim(), value);
        }
        for (String op : new String[] {">=", "<=", ">", "<"}) {
            if (pattern.startsWith(op)) {
                BigDecimal limit = number(pattern.substring(op.length()).trim());
                BigDecimal actual = number(value);
                if (limit == null || actual == null) {
                    return false;
                }
                int c = actual.compareTo(limit);
                return switch (op) {
                    case ">=" -> c >= 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c < 0;
                };
            }
        }
        return Wildcards.match(pattern, value);
    }

    private static BigDecimal number(String s) {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String shown(JsonNode node) {
        if (node == null) {
            return "(missing)";
        }
        String s = node.isTextual() ? "'" + node.asText() + "'" : node.toString();
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
