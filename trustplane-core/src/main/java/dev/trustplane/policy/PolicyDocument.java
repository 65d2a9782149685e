package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One policy document being read: where it came from, the problems found so far (shared with
 * the other documents of the load), and the strict field readers every part of the reading uses.
 * Any error marks the document as failed, so it is not loaded.
 */
final class PolicyDocument {
    private final String source;
    private final List<PolicyProblem> problems;
    private String policy;
    private boolean failed;

    PolicyDocument(String source, List<PolicyProblem> problems) {
        this.source = source;
        this.problems = problems;
    }

    void error(String path, String message) {
        failed = true;
        problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, source, policy, path, message));
    }

    void warn(String path, String message) {
        problems.add(new PolicyProblem(PolicyProblem.Severity.WARNING, source, policy, path, message));
    }

    /**
     * Reports every field of {@code node} that is not in {@code known}: as unsupported with
     * the reason when {@code unsupported} names it, else as unknown.
     */
    void fields(JsonNode node, String path, Set<String> known, Map<String, String> unsupported) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (known.contains(name)) {
                continue;
            }
            String at = path.isEmpty() ? name : path + "." + name;
            String why = unsupported.get(name);
            if (why != null) {
                error(at, "is not supported by Trustplane: " + why);
            } else {
                error(at, "is not a field Trustplane knows here (known: " + String.join(", ", new TreeSet<>(known))
                        + "); a misspelt field would otherwise be ignored silently");
            }
        }
    }

    boolean object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            error(path, "must be an object, found " + kindOf(node));
            return false;
        }
        return true;
    }

    String text(JsonNode parent, String name, String path, boolean required) {
        JsonNode n = parent.get(name);
        String at = path.isEmpty() ? name : path + "." + name;
        if (n == null || n.isNull()) {
            if (required) {
                error(at, "is required");
            }
            return null;
        }
        if (!n.isValueNode()) {
            error(at, "must be a string, found " + kindOf(n));
            return null;
        }
        return n.asText();
    }

    Boolean bool(JsonNode parent, String name, String path) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false"))) {
            return Boolean.parseBoolean(n.asText());
        }
        error(path.isEmpty() ? name : path + "." + name, "must be true or false, found " + kindOf(n));
        return null;
    }

    List<String> strings(JsonNode parent, String name, String path) {
        JsonNode n = parent.get(name);
        String at = path.isEmpty() ? name : path + "." + name;
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            error(at, "must be a list of strings, found " + kindOf(n));
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isValueNode() || n.get(i).isNull()) {
                error(at + "[" + i + "]", "must be a string, found " + kindOf(n.get(i)));
            } else {
                out.add(n.get(i).asText());
            }
        }
        return out;
    }

    List<JsonNode> list(JsonNode parent, String name, String path) {
        JsonNode n = parent.get(name);
        List<JsonNode> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            error(path.isEmpty() ? name : path + "." + name, "must be a list, found " + kindOf(n));
            return out;
        }
        n.forEach(out::add);
        return out;
    }


    /** The {@code failureAction} of {@code node}, else {@code fallback}. */
    FailureAction action(JsonNode node, String path, FailureAction fallback) {
        String a = text(node, "failureAction", path, false);
        if (a == null) {
            return fallback;
        }
        FailureAction parsed = FailureAction.parse(a);
        if (parsed == null) {
            error(path + ".failureAction", "is \"" + a + "\"; expected Audit or Enforce");
            return fallback;
        }
        return parsed;
    }

    String source() {
        return source;
    }

    boolean failed() {
        return failed;
    }

    /** Names the policy in every later problem. */
    void policy(String name) {
        policy = name;
    }

private static String kindOf(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
        return "nothing";
    }
    if (n.isObject()) {
        return "an object";
    }
    if (n.isArray()) {
        return "a list";
    }
    return n.isTextual() ? "the string \"" + n.asText() + "\"" : n.toString();
}
}
