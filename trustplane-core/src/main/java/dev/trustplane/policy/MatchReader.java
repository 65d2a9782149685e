package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code match}/{@code exclude}: any/all blocks, resource filters and label selectors. */
final class MatchReader {
    private final PolicyDocument d;

    MatchReader(PolicyDocument d) {
        this.d = d;
    }

    ResourceMatch match(JsonNode node, String path, boolean kindsRequired) {
        if (!d.object(node, path)) {
            return ResourceMatch.NONE;
        }
        d.fields(node, path, Set.of("any", "all", "resources"), Map.of(
                "subjects", "matching by user or group; admission requests are matched by resource",
                "roles", "matching by role", "clusterRoles", "matching by cluster role"));
        List<ResourceFilter> any = new ArrayList<>();
        List<ResourceFilter> all = new ArrayList<>();
        List<JsonNode> anyNodes = d.list(node, "any", path);
        for (int i = 0; i < anyNodes.size(); i++) {
            filterBlock(anyNodes.get(i), path + ".any[" + i + "]", any, kindsRequired);
        }
        List<JsonNode> allNodes = d.list(node, "all", path);
        for (int i = 0; i < allNodes.size(); i++) {
            filterBlock(allNodes.get(i), path + ".all[" + i + "]", all, kindsRequired);
        }
        if (node.has("resources")) {
            if (!anyNodes.isEmpty() || !allNodes.isEmpty()) {
                d.error(path + ".resources", "cannot be combined with any/all; move it into one of them");
            }
            ResourceFilter f = filter(node.get("resources"), path + ".resources", kindsRequired);
            if (f != null) {
                all.add(f);
            }
        }
        return new ResourceMatch(any, all);
    }

    private void filterBlock(JsonNode node, String path, List<ResourceFilter> into, boolean kindsRequired) {
        if (!d.object(node, path)) {
            return;
        }
        d.fields(node, path, Set.of("resources"), Map.of(
                "subjects", "matching by user or group; admission requests are matched by resource",
                "roles", "matching by role", "clusterRoles", "matching by cluster role"));
        if (!node.has("resources")) {
            d.error(path + ".resources", "is required");
            return;
        }
        ResourceFilter f = filter(node.get("resources"), path + ".resources", kindsRequired);
        if (f != null) {
            into.add(f);
        }
    }

    private ResourceFilter filter(JsonNode node, String path, boolean kindsRequired) {
        if (!d.object(node, path)) {
            return null;
        }
        d.fields(node, path, Set.of("kinds", "names", "name", "namespaces", "namespaceSelector", "selector", "operations"),
                Map.of("annotations", "matching by annotations; use selector (labels)"));
        List<String> names = d.strings(node, "names", path);
        String single = d.text(node, "name", path, false);
        if (single != null) {
            names.add(single);
        }
        List<String> operations = d.strings(node, "operations", path);
        for (String op : operations) {
            if (!Set.of("CREATE", "UPDATE", "DELETE", "CONNECT").contains(op)) {
                d.error(path + ".operations", "names \"" + op + "\"; expected CREATE, UPDATE, DELETE or CONNECT");
            }
        }
        List<String> kinds = d.strings(node, "kinds", path);
        if (kinds.isEmpty() && kindsRequired) {
            d.error(path + ".kinds", "is required: name the kinds (e.g. Pod) the rule applies to");
        }
        return new ResourceFilter(kinds, names, d.strings(node, "namespaces", path),
                selector(node.get("namespaceSelector"), path + ".namespaceSelector"),
                selector(node.get("selector"), path + ".selector"), operations);
    }

    private LabelSelector selector(JsonNode node, String path) {
        if (node == null || node.isNull() || !d.object(node, path)) {
            return null;
        }
        d.fields(node, path, Set.of("matchLabels", "matchExpressions"), Map.of());
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode ml = node.get("matchLabels");
        if (ml != null && d.object(ml, path + ".matchLabels")) {
            ml.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        List<LabelSelector.Requirement> requirements = new ArrayList<>();
        List<JsonNode> exprs = d.list(node, "matchExpressions", path);
        for (int i = 0; i < exprs.size(); i++) {
            String p = path + ".matchExpressions[" + i + "]";
            JsonNode e = exprs.get(i);
            if (!d.object(e, p)) {
                continue;
            }
            d.fields(e, p, Set.of("key", "operator", "values"), Map.of());
            String key = d.text(e, "key", p, true);
            String op = d.text(e, "operator", p, true);
            if (op != null && !Set.of("In", "NotIn", "Exists", "DoesNotExist").contains(op)) {
                d.error(p + ".operator", "is \"" + op + "\"; expected In, NotIn, Exists or DoesNotExist");
            }
            if (key != null && op != null) {
                requirements.add(new LabelSelector.Requirement(key, op, d.strings(e, "values", p)));
            }
        }
        return new LabelSelector(labels, requirements);
    }

}
