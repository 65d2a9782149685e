package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a rule's {@code context} as Kyverno defines it: {@code configMap}, {@code variable},
 * {@code apiCall} (read-only {@code GET}s of the Kubernetes API) and {@code imageRegistry}. What
 * Trustplane cannot do — POST API calls, calls to other services, global context entries — is
 * refused naming the field, as is an entry whose expressions do not compile.
 */
final class ContextReader {
    /** Names Kyverno fills itself; an entry may not shadow them. */
    private static final Set<String> RESERVED = Set.of("request", "images", "element", "elementIndex",
            "serviceAccountName", "serviceAccountNamespace", "target");

    private final PolicyDocument d;

    ContextReader(PolicyDocument d) {
        this.d = d;
    }

    /** The {@code context} entries of the rule {@code rule} at {@code rulePath}. */
    List<ContextEntry> read(JsonNode rule, String rulePath) {
        List<ContextEntry> out = new ArrayList<>();
        String path = rulePath + ".context";
        List<JsonNode> entries = d.list(rule, "context", rulePath);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode e = entries.get(i);
            if (!d.object(e, p)) {
                continue;
            }
            d.fields(e, p, Set.of("name", "configMap", "variable", "apiCall", "imageRegistry"), Map.of(
                    "globalReference", "global context entries (GlobalContextEntry); use an apiCall or configMap entry"));
            String name = d.text(e, "name", p, true);
            if (name != null && RESERVED.contains(name)) {
                d.error(p + ".name", "is \"" + name + "\", a name Kyverno fills itself; choose another");
            } else if (name != null && !names.add(name)) {
                d.error(p + ".name", "\"" + name + "\" is used by two entries of this context");
            }
            List<ContextEntry.Kind> kinds = new ArrayList<>();
            for (ContextEntry.Kind k : ContextEntry.Kind.values()) {
                if (e.has(k.field)) {
                    kinds.add(k);
                }
            }
            if (kinds.size() != 1) {
                if (!e.has("globalReference")) {
                    d.error(p, kinds.isEmpty() ? "needs one of configMap, variable, apiCall or imageRegistry"
                            : "has " + kinds.size() + " sources (" + kinds.stream().map(k -> k.field).toList()
                            + "); an entry takes exactly one");
                }
                continue;
            }
            ContextEntry.Kind kind = kinds.get(0);
            JsonNode spec = e.get(kind.field);
            String sp = p + "." + kind.field;
            if (!d.object(spec, sp)) {
                continue;
            }
            switch (kind) {
                case CONFIG_MAP -> {
                    d.fields(spec, sp, Set.of("name", "namespace"), Map.of());
                    d.text(spec, "name", sp, true);
                    d.text(spec, "namespace", sp, false);
                }
                case VARIABLE -> {
                    d.fields(spec, sp, Set.of("value", "jmesPath", "default"), Map.of());
                    if (!spec.has("value") && !spec.has("jmesPath")) {
                        d.error(sp, "needs value or jmesPath");
                    }
                    jmesPath(spec, sp);
                }
                case API_CALL -> {
                    d.fields(spec, sp, Set.of("urlPath", "method", "jmesPath", "default", "data"), Map.of(
                            "service", "calls to services other than the Kubernetes API; Trustplane reads the"
                                    + " cluster's own API only"));
                    String method = d.text(spec, "method", sp, false);
                    if (method != null && !method.equals("GET")) {
                        d.error(sp + ".method", "is \"" + method + "\"; Trustplane makes read-only GET calls (a POST"
                                + " such as a SubjectAccessReview is not supported): use GET");
                    }
                    if (spec.has("data") && (method == null || method.equals("GET"))) {
                        d.error(sp + ".data", "is only sent with POST, which Trustplane does not make");
                    }
                    String url = d.text(spec, "urlPath", sp, !spec.has("service"));
                    if (url != null && !url.startsWith("/") && !url.startsWith("{{")) {
                        d.error(sp + ".urlPath", "is \"" + url + "\"; it must be a path on the API server, such as"
                                + " /api/v1/namespaces/{{request.namespace}}/pods");
                    }
                    jmesPath(spec, sp);
                }
                case IMAGE_REGISTRY -> {
                    d.fields(spec, sp, Set.of("reference", "jmesPath"), Map.of(
                            "imageRegistryCredentials", "per-policy registry credentials; Trustplane uses the server's"
                                    + " credentials (docker config.json, `trustplane login`)"));
                    d.text(spec, "reference", sp, true);
                    jmesPath(spec, sp);
                }
                default -> throw new IllegalStateException(kind.toString());
            }
            Variables.check(spec, sp, d);
            if (name != null) {
                out.add(new ContextEntry(name, kind, spec, p));
            }
        }
        return out;
    }

    /** A jmesPath field without variables must compile as it is. */
    private void jmesPath(JsonNode spec, String path) {
        String jp = d.text(spec, "jmesPath", path, false);
        if (jp != null && !jp.contains("{{")) {
            String problem = Conditions.check(TextNode.valueOf("{{" + jp + "}}"));
            if (problem != null) {
                d.error(path + ".jmesPath", problem);
            }
        }
    }
}
