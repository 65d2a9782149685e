package dev.trustplane.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.sign.CanonicalJson;
import dev.trustplane.sign.CertificateIdentity;
import dev.trustplane.sign.Keys;
import dev.trustplane.sign.PredicateTypes;
import dev.trustplane.sign.Trust;
import dev.trustplane.sign.TrustedRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Reads Kyverno {@code kyverno.io/v1} {@code ClusterPolicy} and {@code Policy} documents
 * (multi-document YAML or JSON; a file or a directory of {@code .yaml}/{@code .yml}/{@code .json})
 * strictly: every field is either understood, or reported as unsupported or unknown with its
 * path — nothing is silently ignored. Every problem of every document is collected, so
 * {@code policy lint} shows them all at once; known traps are warnings.
 */
public final class PolicyLoader {
    /** A policy file larger than this is refused before it is parsed. */
    public static final int MAX_FILE_BYTES = 4 << 20;
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> POD_CONTROLLERS = Set.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
            "Job", "CronJob", "ReplicationController");

    private final TrustedRoot defaultRoot;
    private final String defaultRootHash;

    /**
     * @param defaultRoot the trusted root keyless attestors use when they name no {@code roots},
     *                    and transparency-log checks use when an attestor names no Rekor key; may be null
     */
    public PolicyLoader(TrustedRoot defaultRoot, byte[] defaultRootBytes) {
        this.defaultRoot = defaultRoot;
        this.defaultRootHash = defaultRootBytes == null ? "" : Digest.sha256(defaultRootBytes).toString();
    }

    /** What was loaded: the policies without errors, and every problem found. */
    public record Loaded(List<Policy> policies, List<PolicyProblem> problems) {
        public Loaded {
            policies = List.copyOf(policies);
            problems = List.copyOf(problems);
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
        }

        /** The policies, or an error listing every problem when there is one. */
        public List<Policy> orThrow() {
            if (hasErrors()) {
                List<String> lines = problems.stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                        .map(PolicyProblem::toString).toList();
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, lines.size() + " policy problem"
                        + (lines.size() == 1 ? "" : "s") + " (run `trustplane policy lint` for all, warnings too):\n  "
                        + String.join("\n  ", lines));
            }
            return policies;
        }
    }

    /** Loads a file or every policy file of a directory (not recursive, sorted by name). */
    public Loaded load(Path path) {
        if (!Files.exists(path)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Policy path " + path + " does not exist; pass a"
                    + " policy file or a directory of them");
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)$") && Files.isRegularFile(p))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Could not list policy directory " + path + ": " + e.getMessage());
            }
        } else {
            files.add(path);
        }
        List<Policy> policies = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        for (Path f : files) {
            byte[] bytes;
            try {
                if (Files.size(f) > MAX_FILE_BYTES) {
                    problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, f.toString(), null, null, "the file has "
                            + Files.size(f) + " bytes, more than the " + MAX_FILE_BYTES + " a policy file may have"));
                    continue;
                }
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Could not read policy file " + f + ": " + e.getMessage());
            }
            Loaded one = parse(bytes, f.toString());
            policies.addAll(one.policies());
            problems.addAll(one.problems());
        }
        if (files.isEmpty()) {
            problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, path.toString(), null, null,
                    "the directory holds no .yaml, .yml or .json policy file"));
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (Policy p : policies) {
            String key = p.kind() + "/" + p.displayName();
            String earlier = seen.putIfAbsent(key, p.source());
            if (earlier != null) {
                problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, p.source(), p.displayName(), "metadata.name",
                        "a " + p.kind() + " with this name is also defined in " + earlier + "; names must be unique"));
            }
        }
        return new Loaded(policies, problems);
    }

    /** Parses every document of one YAML or JSON text. */
    public Loaded parse(byte[] text, String source) {
        List<Policy> policies = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                documents.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
                message = (j.getOriginalMessage() == null ? message : j.getOriginalMessage().lines().findFirst().orElse(""))
                        + " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
            }
            problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, source, null, null,
                    "is not valid YAML: " + message));
            return new Loaded(policies, problems);
        }
        int n = 0;
        for (JsonNode doc : documents) {
            n++;
            if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isObject() && doc.isEmpty())) {
                continue;
            }
            String where = documents.size() > 1 ? source + " (document " + n + ")" : source;
            Document d = new Document(where, problems);
            Policy p = d.policy(doc);
            if (p != null && !d.failed) {
                policies.add(p);
            }
        }
        return new Loaded(policies, problems);
    }

    /** The parse of one document; problems are collected, {@code failed} once one is an error. */
    private final class Document {
        private final String source;
        private final List<PolicyProblem> problems;
        private String policy;
        private boolean failed;

        Document(String source, List<PolicyProblem> problems) {
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
                    error(at, "is not a field Trustplane knows here (known: " + String.join(", ", new java.util.TreeSet<>(known))
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

        Policy policy(JsonNode doc) {
            if (!object(doc, "")) {
                return null;
            }
            String apiVersion = doc.path("apiVersion").asText("");
            String kind = doc.path("kind").asText("");
            policy = doc.path("metadata").path("name").asText(null);
            if (!apiVersion.equals("kyverno.io/v1")) {
                error("apiVersion", "is " + (apiVersion.isEmpty() ? "missing" : "\"" + apiVersion + "\"")
                        + "; Trustplane reads kyverno.io/v1 ClusterPolicy and Policy"
                        + (apiVersion.startsWith("policies.kyverno.io") ? " (the CEL policies of policies.kyverno.io"
                                + " are not supported; write the rule as a kyverno.io/v1 verifyImages rule)" : ""));
                return null;
            }
            if (!kind.equals("ClusterPolicy") && !kind.equals("Policy")) {
                error("kind", "is \"" + kind + "\"; expected ClusterPolicy or Policy");
                return null;
            }
            fields(doc, "", Set.of("apiVersion", "kind", "metadata", "spec", "status"), Map.of());
            JsonNode metadata = doc.get("metadata");
            if (!object(metadata, "metadata")) {
                return null;
            }
            String name = text(metadata, "name", "metadata", true);
            String namespace = text(metadata, "namespace", "metadata", false);
            if (kind.equals("Policy") && namespace == null) {
                namespace = "default";
                warn("metadata.namespace", "a namespaced Policy without a namespace applies to \"default\" only");
            }
            if (kind.equals("ClusterPolicy") && namespace != null) {
                warn("metadata.namespace", "a ClusterPolicy is not namespaced; the namespace is ignored by Kubernetes");
                namespace = null;
            }
            boolean autogen = true;
            JsonNode autogenAnnotation = metadata.path("annotations").get("pod-policies.kyverno.io/autogen-controllers");
            if (autogenAnnotation != null) {
                String value = autogenAnnotation.asText();
                if (value.equals("none")) {
                    autogen = false;
                } else {
                    for (String c : value.split(",")) {
                        if (!POD_CONTROLLERS.contains(c.trim())) {
                            error("metadata.annotations.pod-policies.kyverno.io/autogen-controllers", "names \"" + c.trim()
                                    + "\"; expected none or a list of " + new java.util.TreeSet<>(POD_CONTROLLERS));
                        }
                    }
                    if (!value.contains(",") || value.split(",").length < POD_CONTROLLERS.size()) {
                        warn("metadata.annotations.pod-policies.kyverno.io/autogen-controllers", "Trustplane applies"
                                + " Pod rules to every controller's pod template; a partial list is not honoured");
                    }
                }
            }
            JsonNode spec = doc.get("spec");
            if (!object(spec, "spec")) {
                return null;
            }
            fields(spec, "spec", Set.of("rules", "validationFailureAction", "background", "failurePolicy",
                    "webhookTimeoutSeconds", "webhookConfiguration", "admission", "emitWarning", "schemaValidation",
                    "applyRules", "useServerSideApply", "mutateExistingOnPolicyUpdate", "generateExisting",
                    "generateExistingOnPolicyUpdate"), Map.of(
                    "validationFailureActionOverrides", "per-namespace overrides; write a namespaced Policy or"
                            + " match/exclude the namespaces in separate rules",
                    "failurePolicyOverride", "not a Kyverno field either"));
            FailureAction policyAction = FailureAction.AUDIT;
            String action = text(spec, "validationFailureAction", "spec", false);
            if (action != null) {
                policyAction = FailureAction.parse(action);
                if (policyAction == null) {
                    error("spec.validationFailureAction", "is \"" + action + "\"; expected Audit or Enforce");
                    policyAction = FailureAction.AUDIT;
                }
            }
            Integer timeout = null;
            JsonNode t = spec.get("webhookTimeoutSeconds");
            JsonNode wc = spec.get("webhookConfiguration");
            if (wc != null && object(wc, "spec.webhookConfiguration")) {
                fields(wc, "spec.webhookConfiguration", Set.of("failurePolicy", "timeoutSeconds"), Map.of(
                        "matchConditions", "CEL match conditions; use match/exclude"));
                if (wc.has("timeoutSeconds")) {
                    t = wc.get("timeoutSeconds");
                }
                checkFailurePolicy(wc.get("failurePolicy"), "spec.webhookConfiguration.failurePolicy");
            }
            if (t != null) {
                if (!t.canConvertToInt()) {
                    error("spec.webhookTimeoutSeconds", "must be a whole number of seconds");
                } else {
                    timeout = t.asInt();
                    if (timeout < 1 || timeout > 30) {
                        error("spec.webhookTimeoutSeconds", "is " + timeout + "; Kubernetes accepts 1 to 30 seconds"
                                + " and refuses the webhook configuration otherwise");
                    }
                }
            }
            checkFailurePolicy(spec.get("failurePolicy"), "spec.failurePolicy");
            String applyRules = text(spec, "applyRules", "spec", false);
            if (applyRules != null && !applyRules.equals("All")) {
                error("spec.applyRules", "is \"" + applyRules + "\"; Trustplane applies every matching rule (All)");
            }
            Boolean admission = bool(spec, "admission", "spec");
            if (Boolean.FALSE.equals(admission)) {
                warn("spec.admission", "is false: the policy never runs in the webhook, only in `policy test`");
            }
            List<Rule> rules = new ArrayList<>();
            List<JsonNode> ruleNodes = list(spec, "rules", "spec");
            if (ruleNodes.isEmpty()) {
                error("spec.rules", "a policy needs at least one rule");
            }
            Set<String> ruleNames = new java.util.HashSet<>();
            for (int i = 0; i < ruleNodes.size(); i++) {
                Rule r = rule(ruleNodes.get(i), "spec.rules[" + i + "]", policyAction);
                if (r != null) {
                    if (!ruleNames.add(r.name())) {
                        error("spec.rules[" + i + "].name", "\"" + r.name() + "\" is used by two rules; names must be unique");
                    }
                    rules.add(r);
                }
            }
            byte[] canonical = CanonicalJson.of(doc);
            return new Policy(kind, name, kind.equals("Policy") ? namespace : null, source,
                    Digest.sha256(canonical).toString(), rules, timeout, autogen);
        }

        private void checkFailurePolicy(JsonNode node, String path) {
            if (node == null) {
                return;
            }
            String v = node.asText();
            if (v.equals("Ignore")) {
                warn(path, "is Ignore: when the webhook cannot answer, Kubernetes admits the resource unchecked"
                        + " (fail open). Trustplane's generated webhook configuration uses Fail");
            } else if (!v.equals("Fail")) {
                error(path, "is \"" + v + "\"; expected Fail or Ignore");
            }
        }

        private Rule rule(JsonNode node, String path, FailureAction policyAction) {
            if (!object(node, path)) {
                return null;
            }
            fields(node, path, Set.of("name", "match", "exclude", "verifyImages", "validate", "skipBackgroundRequirements"),
                    Map.of("mutate", "Trustplane evaluates validate and verifyImages rules; mutate rules belong in Kyverno",
                            "generate", "Trustplane evaluates validate and verifyImages rules; generate rules belong in Kyverno",
                            "context", "context variables (API calls, ConfigMaps) are not available to Trustplane's engine",
                            "preconditions", "preconditions are not evaluated; express the condition in match/exclude",
                            "celPreconditions", "CEL is not supported; use match/exclude",
                            "imageExtractors", "images are read from the container lists of every workload kind"));
            String name = text(node, "name", path, true);
            if (name == null) {
                return null;
            }
            JsonNode matchNode = node.get("match");
            ResourceMatch match = ResourceMatch.NONE;
            if (matchNode == null) {
                error(path + ".match", "is required: say which resources the rule applies to");
            } else {
                match = match(matchNode, path + ".match", true);
                if (match.isEmpty()) {
                    error(path + ".match", "matches nothing: give any or all with resources.kinds");
                }
            }
            ResourceMatch exclude = node.has("exclude") ? match(node.get("exclude"), path + ".exclude", false) : ResourceMatch.NONE;
            List<ImageRule> images = new ArrayList<>();
            List<JsonNode> vi = list(node, "verifyImages", path);
            for (int i = 0; i < vi.size(); i++) {
                ImageRule r = imageRule(vi.get(i), path + ".verifyImages[" + i + "]", policyAction);
                if (r != null) {
                    images.add(r);
                }
            }
            ValidateRule validate = null;
            FailureAction ruleAction = policyAction;
            if (node.has("validate")) {
                JsonNode v = node.get("validate");
                String vp = path + ".validate";
                if (object(v, vp)) {
                    fields(v, vp, Set.of("message", "pattern", "anyPattern", "failureAction", "allowExistingViolations"),
                            Map.of("deny", "deny conditions; write the condition as a pattern",
                                    "foreach", "foreach loops; the pattern applies to every element of a list already",
                                    "podSecurity", "Pod Security Standards; use Kubernetes' built-in Pod Security admission",
                                    "cel", "CEL expressions; write a pattern",
                                    "manifests", "signed YAML manifests",
                                    "failureActionOverrides", "per-namespace overrides; write separate rules"));
                    ruleAction = action(v, vp, policyAction);
                    List<JsonNode> patterns = new ArrayList<>();
                    boolean any = false;
                    if (v.has("pattern") && v.has("anyPattern")) {
                        error(vp, "has both pattern and anyPattern; keep one");
                    } else if (v.has("pattern")) {
                        patterns.add(v.get("pattern"));
                    } else if (v.has("anyPattern")) {
                        any = true;
                        patterns.addAll(list(v, "anyPattern", vp));
                    } else {
                        error(vp, "needs a pattern or anyPattern");
                    }
                    for (int i = 0; i < patterns.size(); i++) {
                        String problem = Patterns.check(patterns.get(i), vp + (any ? ".anyPattern[" + i + "]" : ".pattern"));
                        if (problem != null) {
                            error(problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2));
                        }
                    }
                    validate = new ValidateRule(text(v, "message", vp, false), patterns, any);
                }
            }
            if (images.isEmpty() && validate == null && !failed) {
                error(path, "has neither verifyImages nor validate: it would check nothing");
            }
            if (!images.isEmpty() && validate != null) {
                error(path, "has both verifyImages and validate; Kyverno requires one kind per rule");
            }
            return new Rule(name, match, exclude, ruleAction, images, validate);
        }

        private FailureAction action(JsonNode node, String path, FailureAction fallback) {
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

        private ResourceMatch match(JsonNode node, String path, boolean kindsRequired) {
            if (!object(node, path)) {
                return ResourceMatch.NONE;
            }
            fields(node, path, Set.of("any", "all", "resources"), Map.of(
                    "subjects", "matching by user or group; admission requests are matched by resource",
                    "roles", "matching by role", "clusterRoles", "matching by cluster role"));
            List<ResourceFilter> any = new ArrayList<>();
            List<ResourceFilter> all = new ArrayList<>();
            List<JsonNode> anyNodes = list(node, "any", path);
            for (int i = 0; i < anyNodes.size(); i++) {
                filterBlock(anyNodes.get(i), path + ".any[" + i + "]", any, kindsRequired);
            }
            List<JsonNode> allNodes = list(node, "all", path);
            for (int i = 0; i < allNodes.size(); i++) {
                filterBlock(allNodes.get(i), path + ".all[" + i + "]", all, kindsRequired);
            }
            if (node.has("resources")) {
                if (!anyNodes.isEmpty() || !allNodes.isEmpty()) {
                    error(path + ".resources", "cannot be combined with any/all; move it into one of them");
                }
                ResourceFilter f = filter(node.get("resources"), path + ".resources", kindsRequired);
                if (f != null) {
                    all.add(f);
                }
            }
            return new ResourceMatch(any, all);
        }

        private void filterBlock(JsonNode node, String path, List<ResourceFilter> into, boolean kindsRequired) {
            if (!object(node, path)) {
                return;
            }
            fields(node, path, Set.of("resources"), Map.of(
                    "subjects", "matching by user or group; admission requests are matched by resource",
                    "roles", "matching by role", "clusterRoles", "matching by cluster role"));
            if (!node.has("resources")) {
                error(path + ".resources", "is required");
                return;
            }
            ResourceFilter f = filter(node.get("resources"), path + ".resources", kindsRequired);
            if (f != null) {
                into.add(f);
            }
        }

        private ResourceFilter filter(JsonNode node, String path, boolean kindsRequired) {
            if (!object(node, path)) {
                return null;
            }
            fields(node, path, Set.of("kinds", "names", "name", "namespaces", "namespaceSelector", "selector", "operations"),
                    Map.of("annotations", "matching by annotations; use selector (labels)"));
            List<String> names = strings(node, "names", path);
            String single = text(node, "name", path, false);
            if (single != null) {
                names.add(single);
            }
            List<String> operations = strings(node, "operations", path);
            for (String op : operations) {
                if (!Set.of("CREATE", "UPDATE", "DELETE", "CONNECT").contains(op)) {
                    error(path + ".operations", "names \"" + op + "\"; expected CREATE, UPDATE, DELETE or CONNECT");
                }
            }
            List<String> kinds = strings(node, "kinds", path);
            if (kinds.isEmpty() && kindsRequired) {
                error(path + ".kinds", "is required: name the kinds (e.g. Pod) the rule applies to");
            }
            return new ResourceFilter(kinds, names, strings(node, "namespaces", path),
                    selector(node.get("namespaceSelector"), path + ".namespaceSelector"),
                    selector(node.get("selector"), path + ".selector"), operations);
        }

        private LabelSelector selector(JsonNode node, String path) {
            if (node == null || node.isNull() || !object(node, path)) {
                return null;
            }
            fields(node, path, Set.of("matchLabels", "matchExpressions"), Map.of());
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode ml = node.get("matchLabels");
            if (ml != null && object(ml, path + ".matchLabels")) {
                ml.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
            List<LabelSelector.Requirement> requirements = new ArrayList<>();
            List<JsonNode> exprs = list(node, "matchExpressions", path);
            for (int i = 0; i < exprs.size(); i++) {
                String p = path + ".matchExpressions[" + i + "]";
                JsonNode e = exprs.get(i);
                if (!object(e, p)) {
                    continue;
                }
                fields(e, p, Set.of("key", "operator", "values"), Map.of());
                String key = text(e, "key", p, true);
                String op = text(e, "operator", p, true);
                if (op != null && !Set.of("In", "NotIn", "Exists", "DoesNotExist").contains(op)) {
                    error(p + ".operator", "is \"" + op + "\"; expected In, NotIn, Exists or DoesNotExist");
                }
                if (key != null && op != null) {
                    requirements.add(new LabelSelector.Requirement(key, op, strings(e, "values", p)));
                }
            }
            return new LabelSelector(labels, requirements);
        }

        private ImageRule imageRule(JsonNode node, String path, FailureAction policyAction) {
            if (!object(node, path)) {
                return null;
            }
            fields(node, path, Set.of("imageReferences", "skipImageReferences", "attestors", "attestations",
                    "mutateDigest", "verifyDigest", "required", "repository", "useCache", "failureAction", "type",
                    "cosignOCI11"), Map.of(
                    "imageRegistryCredentials", "per-policy registry credentials; Trustplane uses the server's"
                            + " credentials (docker config.json, `trustplane login`)",
                    "image", "the deprecated single image field; use imageReferences",
                    "key", "the deprecated key field; use attestors[].entries[].keys.publicKeys",
                    "roots", "the deprecated roots field; use attestors[].entries[].keyless.roots",
                    "subject", "the deprecated subject field; use attestors[].entries[].keyless.subject",
                    "issuer", "the deprecated issuer field; use attestors[].entries[].keyless.issuer",
                    "validate", "validate blocks inside verifyImages; use a separate validate rule",
                    "imageExtractors", "custom image extractors"));
            String type = text(node, "type", path, false);
            if (type != null && !type.equals("Cosign") && !type.equals("SigstoreBundle")) {
                error(path + ".type", "is \"" + type + "\"; Trustplane verifies Cosign signatures and Sigstore"
                        + " bundles (Notary is not supported)");
            }
            List<String> refs = strings(node, "imageReferences", path);
            if (refs.isEmpty()) {
                error(path + ".imageReferences", "is required: list the images (wildcards allowed, e.g."
                        + " registry.example.com/*) this entry verifies");
            }
            FailureAction action = action(node, path, policyAction);
            Boolean mutate = bool(node, "mutateDigest", path);
            boolean mutateDigest = mutate == null || mutate;
            if (action == FailureAction.AUDIT && mutateDigest) {
                if (mutate != null) {
                    error(path + ".mutateDigest", "is true in Audit mode; Kyverno refuses this policy (\"mutateDigest"
                            + " must be set to false for 'Audit' failure action\"); set it to false or use Enforce");
                } else {
                    warn(path + ".mutateDigest", "defaults to true, but Audit never changes resources: Trustplane"
                            + " does not pin digests for this entry (Kyverno refuses it); write mutateDigest: false");
                }
                mutateDigest = false;
            }
            if (mutateDigest) {
                warn(path + ".mutateDigest", "rewrites image: tag to tag@digest; GitOps tools (Argo CD, Flux) then"
                        + " show the workload as out of sync. Pin digests in Git instead and set mutateDigest: false");
            }
            Boolean verifyDigest = bool(node, "verifyDigest", path);
            Boolean required = bool(node, "required", path);
            if (Boolean.FALSE.equals(required)) {
                warn(path + ".required", "is false; Trustplane verifies the image in both webhooks and does not"
                        + " rely on the kyverno.io/verify-images annotation, so this changes nothing");
            }
            Boolean useCache = bool(node, "useCache", path);
            List<AttestorSet> attestors = attestorSets(list(node, "attestors", path), path + ".attestors");
            List<AttestationCheck> attestations = new ArrayList<>();
            List<JsonNode> at = list(node, "attestations", path);
            for (int i = 0; i < at.size(); i++) {
                AttestationCheck c = attestation(at.get(i), path + ".attestations[" + i + "]", attestors);
                if (c != null) {
                    attestations.add(c);
                }
            }
            if (attestors.isEmpty() && attestations.isEmpty()) {
                error(path, "has neither attestors nor attestations: it would verify nothing");
            }
            return new ImageRule(refs, strings(node, "skipImageReferences", path), attestors, attestations,
                    mutateDigest, verifyDigest == null || verifyDigest, required == null || required,
                    text(node, "repository", path, false), useCache == null || useCache, action);
        }

        private AttestationCheck attestation(JsonNode node, String path, List<AttestorSet> ruleAttestors) {
            if (!object(node, path)) {
                return null;
            }
            fields(node, path, Set.of("predicateType", "type", "attestors", "conditions", "name"), Map.of());
            String predicateType = text(node, "predicateType", path, false);
            String type = text(node, "type", path, false);
            if (predicateType != null && type != null && !predicateType.equals(type)) {
                error(path, "has predicateType \"" + predicateType + "\" and type \"" + type + "\"; they must agree");
            }
            String wanted = predicateType != null ? predicateType : type;
            if (wanted == null) {
                error(path + ".predicateType", "is required: the attestation's predicate type, e.g. https://slsa.dev/provenance/v1");
                return null;
            }
            String resolved = PredicateTypes.resolve(wanted);
            if (!resolved.contains("://") && !resolved.contains(":")) {
                error(path + ".predicateType", "is \"" + wanted + "\": not a URI nor a cosign short name ("
                        + String.join(", ", PredicateTypes.SHORT_NAMES.keySet()) + "); an attestation could never match it");
            } else if (!PredicateTypes.SHORT_NAMES.containsValue(resolved)) {
                String close = PredicateTypes.closest(resolved);
                if (close != null) {
                    warn(path + ".predicateType", "is \"" + resolved + "\"; did you mean " + close + "? An attestation"
                            + " with another type does not satisfy this entry");
                }
            }
            List<AttestorSet> attestors = attestorSets(list(node, "attestors", path), path + ".attestors");
            if (attestors.isEmpty()) {
                if (ruleAttestors.isEmpty()) {
                    error(path + ".attestors", "is required when the verifyImages entry has no attestors: say who must sign it");
                }
                attestors = ruleAttestors;
            }
            List<Conditions.Block> blocks = new ArrayList<>();
            List<JsonNode> cs = list(node, "conditions", path);
            for (int i = 0; i < cs.size(); i++) {
                String p = path + ".conditions[" + i + "]";
                JsonNode b = cs.get(i);
                if (!object(b, p)) {
                    continue;
                }
                fields(b, p, Set.of("all", "any"), Map.of());
                blocks.add(new Conditions.Block(conditions(list(b, "all", p), p + ".all"),
                        conditions(list(b, "any", p), p + ".any")));
            }
            return new AttestationCheck(resolved, attestors, blocks);
        }

        private List<Conditions.Condition> conditions(List<JsonNode> nodes, String path) {
            List<Conditions.Condition> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                String p = path + "[" + i + "]";
                JsonNode c = nodes.get(i);
                if (!object(c, p)) {
                    continue;
                }
                fields(c, p, Set.of("key", "operator", "value", "message"), Map.of());
                String op = text(c, "operator", p, true);
                if (op != null && !Conditions.OPERATORS.contains(op)) {
                    error(p + ".operator", "is \"" + op + "\"; expected one of " + Conditions.OPERATORS);
                    continue;
                }
                if (!c.has("key")) {
                    error(p + ".key", "is required");
                    continue;
                }
                for (String side : List.of("key", "value")) {
                    String problem = Conditions.check(c.get(side));
                    if (problem != null) {
                        error(p + "." + side, problem);
                    }
                }
                if (op != null) {
                    out.add(new Conditions.Condition(c.get("key"), op, c.get("value"), text(c, "message", p, false)));
                }
            }
            return out;
        }

        private List<AttestorSet> attestorSets(List<JsonNode> nodes, String path) {
            List<AttestorSet> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                String p = path + "[" + i + "]";
                JsonNode s = nodes.get(i);
                if (!object(s, p)) {
                    continue;
                }
                fields(s, p, Set.of("count", "entries"), Map.of());
                List<Attestor> entries = new ArrayList<>();
                List<JsonNode> es = list(s, "entries", p);
                if (es.isEmpty()) {
                    error(p + ".entries", "is required: at least one keys or keyless entry");
                }
                for (int j = 0; j < es.size(); j++) {
                    Attestor a = attestor(es.get(j), p + ".entries[" + j + "]");
                    if (a != null) {
                        entries.add(a);
                    }
                }
                Integer count = null;
                if (s.has("count")) {
                    if (!s.get("count").canConvertToInt() || s.get("count").asInt() < 1) {
                        error(p + ".count", "must be a whole number of at least 1");
                    } else {
                        count = s.get("count").asInt();
                        if (count > es.size()) {
                            error(p + ".count", "is " + count + " but there are only " + es.size()
                                    + " entries: the set could never be satisfied");
                        }
                    }
                }
                out.add(new AttestorSet(count, entries));
            }
            return out;
        }

        private Attestor attestor(JsonNode node, String path) {
            if (!object(node, path)) {
                return null;
            }
            Map<String, String> unsupported = new LinkedHashMap<>();
            unsupported.put("certificates", "certificate attestors; use keys (its public key) or keyless (its identity)");
            unsupported.put("attestor", "nested attestor sets");
            unsupported.put("annotations", "signature annotation claims");
            unsupported.put("repository", "per-entry repositories; set repository on the verifyImages entry");
            unsupported.put("rekor", "rekor here is silently ignored by Kyverno; it belongs under keys: or keyless:");
            unsupported.put("ctlog", "ctlog here is silently ignored by Kyverno; it belongs under keys: or keyless:");
            fields(node, path, Set.of("keys", "keyless"), unsupported);
            int kinds = (node.has("keys") ? 1 : 0) + (node.has("keyless") ? 1 : 0);
            if (kinds != 1) {
                if (kinds == 0 && !node.has("certificates") && !node.has("attestor")) {
                    error(path, "needs keys or keyless");
                } else if (kinds == 2) {
                    error(path, "has both keys and keyless; write them as two entries");
                }
                return null;
            }
            byte[] canonical = CanonicalJson.of(node);
            String hash = sha256(canonical, defaultRootHash.getBytes(StandardCharsets.US_ASCII));
            return node.has("keys") ? keys(node.get("keys"), path + ".keys", hash)
                    : keyless(node.get("keyless"), path + ".keyless", hash);
        }

        private Attestor keys(JsonNode node, String path, String hash) {
            if (!object(node, path)) {
                return null;
            }
            fields(node, path, Set.of("publicKeys", "signatureAlgorithm", "rekor", "ctlog"), Map.of(
                    "kms", "KMS keys; export the public key into publicKeys",
                    "secret", "keys from Kubernetes Secrets; put the PEM into publicKeys"));
            String pem = text(node, "publicKeys", path, true);
            String algorithm = text(node, "signatureAlgorithm", path, false);
            if (algorithm != null && !algorithm.equals("sha256")) {
                error(path + ".signatureAlgorithm", "is \"" + algorithm + "\"; Trustplane verifies sha256 signatures");
            }
            if (pem == null) {
                return null;
            }
            if (pem.startsWith("k8s://") || pem.contains("://")) {
                error(path + ".publicKeys", "is a reference (" + pem.substring(0, Math.min(40, pem.length()))
                        + "); Trustplane needs the PEM itself: paste the public key");
                return null;
            }
            List<PublicKey> keys;
            try {
                keys = Keys.readPublicKeys(pem, path + ".publicKeys");
            } catch (TrustplaneException e) {
                error(path + ".publicKeys", e.getMessage());
                return null;
            }
            Logs logs = logs(node, path);
            if (logs == null) {
                return null;
            }
            if (!logs.ignoreTlog && logs.root == null) {
                error(path + ".rekor", "checking the transparency log needs the Rekor public key: set rekor.pubkey,"
                        + " start Trustplane with --trusted-root, or set rekor.ignoreTlog: true to rely on the key alone");
                return null;
            }
            String description = "key " + keys.stream().map(Keys::hint).map(h -> h.substring(0, Math.min(19, h.length())))
                    .reduce((a, b) -> a + "," + b).orElse("");
            return new Attestor(new Trust(keys, List.of(), logs.root, logs.ignoreTlog, true), description, hash);
        }

        private Attestor keyless(JsonNode node, String path, String hash) {
            if (!object(node, path)) {
                return null;
            }
            fields(node, path, Set.of("subject", "issuer", "subjectRegExp", "issuerRegExp", "roots", "rekor", "ctlog",
                    "additionalExtensions"), Map.of());
            String subject = text(node, "subject", path, false);
            String issuer = text(node, "issuer", path, false);
            Pattern subjectRe = regex(text(node, "subjectRegExp", path, false), path + ".subjectRegExp");
            Pattern issuerRe = regex(text(node, "issuerRegExp", path, false), path + ".issuerRegExp");
            if (subject == null && subjectRe == null) {
                error(path + ".subject", "is required (or subjectRegExp): without it any identity the CA"
                        + " certifies would pass");
            }
            if (issuer == null && issuerRe == null) {
                error(path + ".issuer", "is required (or issuerRegExp): without it any OIDC provider would pass");
            }
            if (subject != null && subjectRe != null) {
                error(path, "has both subject and subjectRegExp; keep one");
            }
            if (issuer != null && issuerRe != null) {
                error(path, "has both issuer and issuerRegExp; keep one");
            }
            Map<String, String> extensions = new LinkedHashMap<>();
            JsonNode ext = node.get("additionalExtensions");
            if (ext != null && object(ext, path + ".additionalExtensions")) {
                Map<String, String> names = Map.of("githubWorkflowTrigger", "github-workflow-trigger",
                        "githubWorkflowSha", "github-workflow-sha", "githubWorkflowName", "github-workflow-name",
                        "githubWorkflowRepository", "github-workflow-repository", "githubWorkflowRef", "github-workflow-ref");
                fields(ext, path + ".additionalExtensions", names.keySet(), Map.of());
                ext.fields().forEachRemaining(e -> {
                    if (names.containsKey(e.getKey())) {
                        extensions.put(names.get(e.getKey()), e.getValue().asText());
                    }
                });
            }
            Logs logs = logs(node, path);
            TrustedRoot root = logs == null ? null : logs.root;
            String roots = text(node, "roots", path, false);
            if (roots != null) {
                try {
                    List<X509Certificate> certs = Keys.readCertificates(roots, path + ".roots");
                    TrustedRoot base = root != null ? root : new TrustedRoot(List.of(), List.of(), List.of());
                    root = new TrustedRoot(List.of(new TrustedRoot.Authority(path + ".roots", certs, Instant.EPOCH, null)),
                            base.tlogs(), base.ctlogs(), base.tsas());
                } catch (TrustplaneException e) {
                    error(path + ".roots", e.getMessage());
                    return null;
                }
            } else if (root == null || root.authorities().isEmpty()) {
                error(path + ".roots", "no certificate authority to check keyless certificates against: set roots"
                        + " (the Fulcio root PEM) or start Trustplane with --trusted-root");
                return null;
            }
            if (logs == null || failed) {
                return null;
            }
            CertificateIdentity identity;
            try {
                identity = new CertificateIdentity(subject, subjectRe, issuer, issuerRe, extensions);
            } catch (IllegalArgumentException | TrustplaneException e) {
                return null;
            }
            return new Attestor(new Trust(List.of(), List.of(identity), root, logs.ignoreTlog, logs.ignoreSct),
                    "keyless " + identity, hash);
        }

        private record Logs(TrustedRoot root, boolean ignoreTlog, boolean ignoreSct) {
        }

        /** rekor and ctlog of a keys or keyless entry: which logs, or none. */
        private Logs logs(JsonNode node, String path) {
            boolean ignoreTlog = false;
            boolean ignoreSct = false;
            List<TrustedRoot.Log> tlogs = defaultRoot == null ? List.of() : defaultRoot.tlogs();
            List<TrustedRoot.Log> ctlogs = defaultRoot == null ? List.of() : defaultRoot.ctlogs();
            JsonNode rekor = node.get("rekor");
            if (rekor != null && object(rekor, path + ".rekor")) {
                fields(rekor, path + ".rekor", Set.of("url", "pubkey", "ignoreTlog"), Map.of());
                ignoreTlog = Boolean.TRUE.equals(bool(rekor, "ignoreTlog", path + ".rekor"));
                String pub = text(rekor, "pubkey", path + ".rekor", false);
                if (pub != null) {
                    TrustedRoot.Log log = log(pub, text(rekor, "url", path + ".rekor", false), path + ".rekor.pubkey");
                    if (log == null) {
                        return null;
                    }
                    tlogs = List.of(log);
                }
            }
            JsonNode ctlog = node.get("ctlog");
            if (ctlog != null && object(ctlog, path + ".ctlog")) {
                fields(ctlog, path + ".ctlog", Set.of("url", "pubkey", "ignoreSCT", "tsaCertChain"), Map.of());
                ignoreSct = Boolean.TRUE.equals(bool(ctlog, "ignoreSCT", path + ".ctlog"));
                String pub = text(ctlog, "pubkey", path + ".ctlog", false);
                if (pub != null) {
                    TrustedRoot.Log log = log(pub, null, path + ".ctlog.pubkey");
                    if (log == null) {
                        return null;
                    }
                    ctlogs = List.of(log);
                }
                if (ctlog.has("tsaCertChain")) {
                    error(path + ".ctlog.tsaCertChain", "is not supported by Trustplane: put timestamp authorities"
                            + " into the trusted root given with --trusted-root");
                }
            }
            if (ignoreTlog && ignoreSct && defaultRoot == null && !node.has("roots")) {
                return new Logs(null, true, true);
            }
            boolean any = !tlogs.isEmpty() || !ctlogs.isEmpty() || defaultRoot != null;
            TrustedRoot root = any ? new TrustedRoot(defaultRoot == null ? List.of() : defaultRoot.authorities(), tlogs,
                    ctlogs, defaultRoot == null ? List.of() : defaultRoot.tsas()) : null;
            if (!ignoreTlog && root != null && root.tlogs().isEmpty()) {
                root = null;
            }
            return new Logs(root, ignoreTlog, ignoreSct);
        }

        private TrustedRoot.Log log(String pem, String url, String path) {
            try {
                List<PublicKey> keys = Keys.readPublicKeys(pem, path);
                PublicKey key = keys.get(0);
                byte[] id = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
                return new TrustedRoot.Log(url == null ? "" : url, id, key, Instant.EPOCH, null);
            } catch (TrustplaneException e) {
                error(path, e.getMessage());
                return null;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private Pattern regex(String text, String path) {
            if (text == null) {
                return null;
            }
            try {
                return Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                error(path, "is not a valid regular expression: " + e.getDescription());
                return null;
            }
        }
    }

    private static String sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
