package dev.trustplane.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.CanonicalJson;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.verify.SignedIdentity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one {@code ClusterPolicy}/{@code Policy} document: API version and kind, metadata
 * (autogen annotation), spec settings and the known traps among them, and each rule.
 */
final class PolicyReader {
    private static final Set<String> POD_CONTROLLERS = Set.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
            "Job", "CronJob", "ReplicationController");

    private final PolicyDocument d;
    private final MatchReader matches;
    private final TrustedRoot defaultRoot;
    private final String defaultRootHash;
    private ImageRuleReader imageRules;

    /** The policy annotation that adds a signed-identity check to every key and keyless attestor of the policy. */
    static final String SIGNED_IDENTITY = "trustplane.dev/signed-identity";

    PolicyReader(PolicyDocument d, TrustedRoot defaultRoot, String defaultRootHash) {
        this.d = d;
        this.matches = new MatchReader(d);
        this.defaultRoot = defaultRoot;
        this.defaultRootHash = defaultRootHash;
    }

    Policy read(JsonNode doc) {
        if (!d.object(doc, "")) {
            return null;
        }
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        d.policy(doc.path("metadata").path("name").asText(null));
        // ClusterPolicy and Policy exist in kyverno.io/v1 and, with the same spec, kyverno.io/v2beta1
        if (!apiVersion.equals("kyverno.io/v1") && !apiVersion.equals("kyverno.io/v2beta1")) {
            d.error("apiVersion", "is " + (apiVersion.isEmpty() ? "missing" : "\"" + apiVersion + "\"")
                    + "; Trustplane reads kyverno.io/v1 and kyverno.io/v2beta1 ClusterPolicy and Policy"
                    + (apiVersion.startsWith("policies.kyverno.io") || apiVersion.startsWith("policy.sigstore.dev")
                    ? " (the CEL policies of policies.kyverno.io,"
                            + " such as ImageValidatingPolicy, and policy-controller's ClusterImagePolicy come in a"
                            + " later release; write the rule as a kyverno.io/v1 verifyImages rule)" : ""));
            if (!kind.equals("ClusterPolicy") && !kind.equals("Policy")) {
                return null;
            }
            // a ClusterPolicy under a wrong apiVersion: read on, so lint lists every other problem too
        }
        if (!kind.equals("ClusterPolicy") && !kind.equals("Policy")) {
            d.error("kind", "is \"" + kind + "\"; expected ClusterPolicy or Policy");
            return null;
        }
        d.fields(doc, "", Set.of("apiVersion", "kind", "metadata", "spec", "status"), Map.of());
        JsonNode metadata = doc.get("metadata");
        if (!d.object(metadata, "metadata")) {
            return null;
        }
        String name = d.text(metadata, "name", "metadata", true);
        String namespace = d.text(metadata, "namespace", "metadata", false);
        if (kind.equals("Policy") && namespace == null) {
            namespace = "default";
            d.warn("metadata.namespace", "a namespaced Policy without a namespace applies to \"default\" only");
        }
        if (kind.equals("ClusterPolicy") && namespace != null) {
            d.warn("metadata.namespace", "a ClusterPolicy is not namespaced; the namespace is ignored by Kubernetes");
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
                        d.error("metadata.annotations.pod-policies.kyverno.io/autogen-controllers", "names \"" + c.trim()
                                + "\"; expected none or a list of " + new TreeSet<>(POD_CONTROLLERS));
                    }
                }
                if (!value.contains(",") || value.split(",").length < POD_CONTROLLERS.size()) {
                    d.warn("metadata.annotations.pod-policies.kyverno.io/autogen-controllers", "Trustplane applies"
                            + " Pod rules to every controller's pod template; a partial list is not honoured");
                }
            }
        }
        SignedIdentity signedIdentity = null;
        JsonNode identityAnnotation = metadata.path("annotations").get(SIGNED_IDENTITY);
        if (identityAnnotation != null) {
            String at = "metadata.annotations." + SIGNED_IDENTITY;
            try {
                String text = identityAnnotation.asText("").strip();
                signedIdentity = text.startsWith("{") ? SignedIdentity.parse(Json.mapper().readTree(text), at)
                        : SignedIdentity.parse(text, at);
            } catch (TrustplaneException e) {
                d.error(at, e.getMessage());
            } catch (JsonProcessingException e) {
                d.error(at, "is not JSON: " + e.getOriginalMessage());
            }
        }
        this.imageRules = new ImageRuleReader(d, new AttestorReader(d, defaultRoot, defaultRootHash, signedIdentity));
        JsonNode spec = doc.get("spec");
        if (!d.object(spec, "spec")) {
            return null;
        }
        d.fields(spec, "spec", Set.of("rules", "validationFailureAction", "background", "failurePolicy",
                "webhookTimeoutSeconds", "webhookConfiguration", "admission", "emitWarning", "schemaValidation",
                "applyRules", "useServerSideApply", "mutateExistingOnPolicyUpdate", "generateExisting",
                "generateExistingOnPolicyUpdate"), Map.of(
                "validationFailureActionOverrides", "per-namespace overrides; write a namespaced Policy or"
                        + " match/exclude the namespaces in separate rules",
                "failurePolicyOverride", "not a Kyverno field either"));
        FailureAction policyAction = FailureAction.AUDIT;
        String action = d.text(spec, "validationFailureAction", "spec", false);
        if (action != null) {
            policyAction = FailureAction.parse(action);
            if (policyAction == null) {
                d.error("spec.validationFailureAction", "is \"" + action + "\"; expected Audit or Enforce");
                policyAction = FailureAction.AUDIT;
            }
        }
        Integer timeout = null;
        JsonNode t = spec.get("webhookTimeoutSeconds");
        JsonNode wc = spec.get("webhookConfiguration");
        if (wc != null && d.object(wc, "spec.webhookConfiguration")) {
            d.fields(wc, "spec.webhookConfiguration", Set.of("failurePolicy", "timeoutSeconds"), Map.of(
                    "matchConditions", "CEL match conditions; use match/exclude"));
            if (wc.has("timeoutSeconds")) {
                t = wc.get("timeoutSeconds");
            }
            checkFailurePolicy(wc.get("failurePolicy"), "spec.webhookConfiguration.failurePolicy");
        }
        if (t != null) {
            if (!t.canConvertToInt()) {
                d.error("spec.webhookTimeoutSeconds", "must be a whole number of seconds");
            } else {
                timeout = t.asInt();
                if (timeout < 1 || timeout > 30) {
                    d.error("spec.webhookTimeoutSeconds", "is " + timeout + "; Kubernetes accepts 1 to 30 seconds"
                            + " and refuses the webhook configuration otherwise");
                }
            }
        }
        checkFailurePolicy(spec.get("failurePolicy"), "spec.failurePolicy");
        String failurePolicy = wc != null && wc.hasNonNull("failurePolicy") ? wc.get("failurePolicy").asText()
                : spec.path("failurePolicy").asText("Fail");
        String applyRules = d.text(spec, "applyRules", "spec", false);
        if (applyRules != null && !applyRules.equals("All")) {
            d.error("spec.applyRules", "is \"" + applyRules + "\"; Trustplane applies every matching rule (All)");
        }
        Boolean admission = d.bool(spec, "admission", "spec");
        Boolean background = d.bool(spec, "background", "spec");
        if (Boolean.FALSE.equals(admission) && Boolean.FALSE.equals(background)) {
            d.error("spec.admission", "and spec.background are both false; Kyverno refuses this policy (\"disabling"
                    + " both admission and background processing is not allowed\"): remove one of them");
        }
        List<Rule> rules = new ArrayList<>();
        List<JsonNode> ruleNodes = d.list(spec, "rules", "spec");
        if (ruleNodes.isEmpty()) {
            d.error("spec.rules", "a policy needs at least one rule");
        }
        Set<String> ruleNames = new HashSet<>();
        int skipped = 0;
        for (int i = 0; i < ruleNodes.size(); i++) {
            JsonNode rn = ruleNodes.get(i);
            if (rn != null && (rn.has("mutate") || rn.has("generate")) && !rn.has("verifyImages") && !rn.has("validate")) {
                skipped++;
            }
            Rule r = rule(ruleNodes.get(i), "spec.rules[" + i + "]", policyAction);
            if (r != null) {
                if (!ruleNames.add(r.name())) {
                    d.error("spec.rules[" + i + "].name", "\"" + r.name() + "\" is used by two rules; names must be unique");
                }
                rules.add(r);
            }
        }
        if (Boolean.FALSE.equals(admission) && rules.stream().anyMatch(r -> !r.verifyImages().isEmpty())) {
            d.error("spec.admission", "is false in a policy with verifyImages rules; Kyverno refuses this policy"
                    + " (\"disabling admission processing is only allowed with validation policies\"): image"
                    + " verification only happens at admission — remove admission: false");
        } else if (Boolean.FALSE.equals(admission)) {
            d.warn("spec.admission", "is false: the policy never runs in the webhook, only in `policy test`");
        }
        if (!ruleNodes.isEmpty() && skipped == ruleNodes.size()) {
            d.warn("spec.rules", "every rule is a mutate or generate rule: nothing here for Trustplane, the policy is"
                    + " left to Kyverno");
            return null;
        }
        byte[] canonical = CanonicalJson.of(doc);
        return new Policy(kind, name, kind.equals("Policy") ? namespace : null, d.source(),
                Digest.sha256(canonical).toString(), rules, timeout, autogen, !Boolean.FALSE.equals(admission),
                !Boolean.FALSE.equals(background), !"Ignore".equals(failurePolicy), List.of());
    }

    private void checkFailurePolicy(JsonNode node, String path) {
        if (node == null) {
            return;
        }
        String v = node.asText();
        if (v.equals("Ignore")) {
            d.warn(path, "is Ignore: under Audit, a rule that ends in an error (a registry, ConfigMap or Secret that"
                    + " cannot be read) admits the request with a warning, as in Kyverno (Fail, the default, denies"
                    + " it); under Enforce an error still denies. When the webhook itself cannot answer, the webhook"
                    + " configuration Trustplane generates fails closed");
        } else if (!v.equals("Fail")) {
            d.error(path, "is \"" + v + "\"; expected Fail or Ignore");
        }
    }

    /** Kyverno refuses kinds: ["*"] in a verifyImages rule's match and exclude; so does Trustplane. */
    private void wildcardKinds(JsonNode match, String path) {
        if (match == null || !match.isObject()) {
            return;
        }
        Map<String, JsonNode> blocks = new LinkedHashMap<>();
        blocks.put(path + ".resources", match.get("resources"));
        for (String list : new String[] {"any", "all"}) {
            JsonNode n = match.get(list);
            for (int i = 0; n != null && n.isArray() && i < n.size(); i++) {
                blocks.put(path + "." + list + "[" + i + "].resources", n.get(i).get("resources"));
            }
        }
        blocks.forEach((at, resources) -> {
            JsonNode kinds = resources == null ? null : resources.get("kinds");
            for (int i = 0; kinds != null && kinds.isArray() && i < kinds.size(); i++) {
                if (kinds.get(i).asText().equals("*")) {
                    d.error(at + ".kinds[" + i + "]", "is \"*\" (every kind) in a verifyImages rule; Kyverno refuses"
                            + " this policy (\"wildcard policy does not support rule type\"): name the kinds whose"
                            + " images are verified, e.g. [Pod]");
                }
            }
        });
    }

    private Rule rule(JsonNode node, String path, FailureAction policyAction) {
        if (!d.object(node, path)) {
            return null;
        }
        d.fields(node, path, Set.of("name", "match", "exclude", "verifyImages", "validate", "skipBackgroundRequirements",
                "preconditions", "context", "imageExtractors", "mutate", "generate"),
                Map.of("celPreconditions", "CEL is not supported; use match/exclude"));
        String name = d.text(node, "name", path, true);
        if (name == null) {
            return null;
        }
        for (String left : List.of("mutate", "generate")) {
            if (node.has(left)) {
                // Trustplane runs beside Kyverno: Kyverno's mutating webhook applies the patch, and
                // Trustplane's webhooks see the patched object; skipping the rule here loses nothing
                d.warn(path + "." + left, "rule \"" + name + "\" is a " + left + " rule, which Kyverno runs;"
                        + " Trustplane skips it (it evaluates validate and verifyImages rules)");
                if (node.has("verifyImages") || node.has("validate")) {
                    d.error(path, "has " + left + " beside verifyImages or validate; Kyverno requires one kind per rule");
                }
                return null;
            }
        }
        JsonNode matchNode = node.get("match");
        ResourceMatch match = ResourceMatch.NONE;
        if (matchNode == null) {
            d.error(path + ".match", "is required: say which resources the rule applies to");
        } else {
            match = matches.match(matchNode, path + ".match", true);
            if (match.isEmpty()) {
                d.error(path + ".match", "matches nothing: give any or all with resources.kinds");
            }
        }
        ResourceMatch exclude = node.has("exclude") ? matches.match(node.get("exclude"), path + ".exclude", false) : ResourceMatch.NONE;
        List<ImageRule> images = new ArrayList<>();
        List<JsonNode> vi = d.list(node, "verifyImages", path);
        for (int i = 0; i < vi.size(); i++) {
            ImageRule r = imageRules.imageRule(vi.get(i), path + ".verifyImages[" + i + "]", policyAction);
            if (r != null) {
                images.add(r);
            }
        }
        if (!images.isEmpty()) {
            wildcardKinds(node.get("match"), path + ".match");
            wildcardKinds(node.get("exclude"), path + ".exclude");
        }
        ValidateRule validate = null;
        // A verifyImages rule acts as its strictest entry wherever the rule as a whole decides (an
        // error before any entry runs, such as namespace labels Trustplane cannot know): an entry's
        // failureAction: Enforce never falls back to the policy's Audit default.
        FailureAction ruleAction = images.stream().anyMatch(i -> i.action() == FailureAction.ENFORCE)
                ? FailureAction.ENFORCE : images.isEmpty() ? policyAction : FailureAction.AUDIT;
        if (node.has("validate")) {
            JsonNode v = node.get("validate");
            String vp = path + ".validate";
            if (d.object(v, vp)) {
                d.fields(v, vp, Set.of("message", "pattern", "anyPattern", "failureAction", "allowExistingViolations",
                                "deny"),
                        Map.of("foreach", "foreach loops; the pattern applies to every element of a list already",
                                "podSecurity", "Pod Security Standards; use Kubernetes' built-in Pod Security admission",
                                "cel", "CEL expressions; write a pattern",
                                "manifests", "signed YAML manifests",
                                "failureActionOverrides", "per-namespace overrides; write separate rules"));
                ruleAction = d.action(v, vp, policyAction);
                List<JsonNode> patterns = new ArrayList<>();
                boolean any = false;
                List<Conditions.Block> deny = null;
                if ((v.has("pattern") || v.has("anyPattern")) && v.has("deny")) {
                    d.error(vp, "has deny beside a pattern; keep one");
                } else if (v.has("pattern") && v.has("anyPattern")) {
                    d.error(vp, "has both pattern and anyPattern; keep one");
                } else if (v.has("deny")) {
                    JsonNode dn = v.get("deny");
                    if (d.object(dn, vp + ".deny")) {
                        d.fields(dn, vp + ".deny", Set.of("conditions"), Map.of());
                        deny = imageRules.preconditions(dn.get("conditions"), vp + ".deny.conditions");
                        if (deny.isEmpty() || deny.stream().allMatch(b -> b.all().isEmpty() && b.any().isEmpty())) {
                            d.error(vp + ".deny.conditions", "is required: the conditions under which the request is denied");
                        }
                    }
                } else if (v.has("pattern")) {
                    patterns.add(v.get("pattern"));
                } else if (v.has("anyPattern")) {
                    any = true;
                    patterns.addAll(d.list(v, "anyPattern", vp));
                } else {
                    d.error(vp, "needs a pattern, anyPattern or deny");
                }
                for (int i = 0; i < patterns.size(); i++) {
                    String problem = Patterns.check(patterns.get(i), vp + (any ? ".anyPattern[" + i + "]" : ".pattern"));
                    if (problem != null) {
                        d.error(problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2));
                    }
                }
                validate = new ValidateRule(d.text(v, "message", vp, false), patterns, any, deny);
            }
        }
        if (images.isEmpty() && validate == null && !d.failed()) {
            d.error(path, "has neither verifyImages nor validate: it would check nothing");
        }
        if (!images.isEmpty() && validate != null) {
            d.error(path, "has both verifyImages and validate; Kyverno requires one kind per rule");
        }
        return new Rule(name, match, exclude, ruleAction, images, validate,
                imageRules.preconditions(node.get("preconditions"), path + ".preconditions"),
                new ContextReader(d).read(node, path), imageExtractors(node.get("imageExtractors"),
                path + ".imageExtractors"));
    }

    /** {@code imageExtractors}: kind → list of {@code {path, value, key, name, jmesPath}}. */
    private Map<String, List<ImageExtractor>> imageExtractors(JsonNode node, String path) {
        Map<String, List<ImageExtractor>> out = new LinkedHashMap<>();
        if (node == null || !d.object(node, path)) {
            return out;
        }
        node.fields().forEachRemaining(kind -> {
            String kp = path + "." + kind.getKey();
            List<ImageExtractor> list = new ArrayList<>();
            if (!kind.getValue().isArray()) {
                d.error(kp, "must be a list of extractors ({path, value, key, name, jmesPath})");
                return;
            }
            for (int i = 0; i < kind.getValue().size(); i++) {
                JsonNode e = kind.getValue().get(i);
                String ep = kp + "[" + i + "]";
                if (!d.object(e, ep)) {
                    continue;
                }
                d.fields(e, ep, Set.of("path", "value", "key", "name", "jmesPath"), Map.of());
                String p = d.text(e, "path", ep, true);
                String jmesPath = d.text(e, "jmesPath", ep, false);
                if (jmesPath != null) {
                    String problem = Conditions.check(TextNode.valueOf("{{" + jmesPath + "}}"));
                    if (problem != null) {
                        d.error(ep + ".jmesPath", problem);
                    }
                }
                if (p == null) {
                    continue;
                }
                if (!p.startsWith("/")) {
                    d.error(ep + ".path", "is \"" + p + "\"; it must start with / (e.g. /spec/steps/*/image)");
                    continue;
                }
                ImageExtractor x = ImageExtractor.of(d.text(e, "name", ep, false), p, d.text(e, "key", ep, false),
                        d.text(e, "value", ep, false), jmesPath);
                if (x.value().isEmpty() || x.value().equals("*")) {
                    d.error(ep + ".path", "names no field holding the image; end it with the field (…/image) or set value");
                    continue;
                }
                list.add(x);
            }
            out.put(kind.getKey(), list);
        });
        return out;
    }


}
