package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.PredicateTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a {@code verifyImages} entry: image references, attestors, attestations and their conditions, and the digest flags. */
final class ImageRuleReader {
    private final PolicyDocument d;
    private final AttestorReader attestorReader;

    ImageRuleReader(PolicyDocument d, AttestorReader attestors) {
        this.d = d;
        this.attestorReader = attestors;
    }

    ImageRule imageRule(JsonNode given, String path, FailureAction policyAction) {
        if (!d.object(given, path)) {
            return null;
        }
        JsonNode node = converted(given, path);
        d.fields(node, path, Set.of("imageReferences", "skipImageReferences", "attestors", "attestations",
                "mutateDigest", "verifyDigest", "required", "repository", "useCache", "failureAction", "type",
                "cosignOCI11", "validate", "imageRegistryCredentials"), Map.of(
                "imageExtractors", "custom image extractors; they belong on the rule (rule.imageExtractors)"));
        List<String> registrySecrets = new ArrayList<>();
        JsonNode creds = node.get("imageRegistryCredentials");
        if (creds != null && d.object(creds, path + ".imageRegistryCredentials")) {
            String cp = path + ".imageRegistryCredentials";
            d.fields(creds, cp, Set.of("secrets", "providers", "allowInsecureRegistry"), Map.of());
            registrySecrets.addAll(d.strings(creds, "secrets", cp));
            for (String provider : d.strings(creds, "providers", cp)) {
                if (!provider.equals("default")) {
                    d.error(cp + ".providers", "names " + provider + "; Trustplane reads the server's credentials"
                            + " (default) and pull Secrets (secrets), not cloud credential providers");
                }
            }
            if (Boolean.TRUE.equals(d.bool(creds, "allowInsecureRegistry", cp))) {
                d.error(cp + ".allowInsecureRegistry", "is true; plain-HTTP registries are allowed by the server's"
                        + " --insecure-registry flag, not by a policy");
            }
        }
        String type = d.text(node, "type", path, false);
        if (type != null && !type.equals("Cosign") && !type.equals("SigstoreBundle") && !type.equals("Notary")) {
            d.error(path + ".type", "is \"" + type + "\"; expected Cosign, SigstoreBundle or Notary");
        }
        boolean notary = "Notary".equals(type);
        List<String> refs = d.strings(node, "imageReferences", path);
        if (refs.isEmpty()) {
            d.error(path + ".imageReferences", "is required: list the images (wildcards allowed, e.g."
                    + " registry.example.com/*) this entry verifies");
        }
        FailureAction action = d.action(node, path, policyAction);
        Boolean mutate = d.bool(node, "mutateDigest", path);
        boolean mutateDigest = mutate == null || mutate;
        if (action == FailureAction.AUDIT && mutateDigest) {
            if (mutate != null) {
                d.error(path + ".mutateDigest", "is true in Audit mode; Kyverno refuses this policy (\"mutateDigest"
                        + " must be set to false for 'Audit' failure action\"); set it to false or use Enforce");
            } else {
                d.warn(path + ".mutateDigest", "defaults to true, but Audit never changes resources: Trustplane"
                        + " does not pin digests for this entry (Kyverno refuses it); write mutateDigest: false");
            }
            mutateDigest = false;
        }
        if (mutateDigest) {
            d.warn(path + ".mutateDigest", "rewrites image: tag to tag@digest; GitOps tools (Argo CD, Flux) then"
                    + " show the workload as out of sync. Pin digests in Git instead and set mutateDigest: false");
        }
        Boolean verifyDigest = d.bool(node, "verifyDigest", path);
        Boolean required = d.bool(node, "required", path);
        if (Boolean.FALSE.equals(required) && (node.has("attestors") || node.has("attestations"))) {
            d.warn(path + ".required", "is false; Trustplane verifies the image in both webhooks and does not"
                    + " rely on the kyverno.io/verify-images annotation, so this changes nothing");
        }
        Boolean useCache = d.bool(node, "useCache", path);
        List<AttestorSet> attestors = attestorReader.attestorSets(d.list(node, "attestors", path), path + ".attestors",
                notary);
        List<AttestationCheck> attestations = new ArrayList<>();
        List<JsonNode> at = d.list(node, "attestations", path);
        for (int i = 0; i < at.size(); i++) {
            AttestationCheck c = attestation(at.get(i), path + ".attestations[" + i + "]", attestors, notary);
            if (c != null) {
                attestations.add(c);
            }
        }
        boolean requiredOnly = attestors.isEmpty() && attestations.isEmpty() && !Boolean.TRUE.equals(verifyDigest)
                && !Boolean.TRUE.equals(mutate);
        if (requiredOnly && Boolean.TRUE.equals(required)) {
            d.warn(path, "has no attestors: with required: true it asks that another verifyImages rule verified the"
                    + " image (Kyverno's kyverno.io/verify-images annotation); an image no rule verified is refused");
        } else if (requiredOnly) {
            d.error(path, "has neither attestors nor attestations, and neither verifyDigest, mutateDigest nor required"
                    + " is true: it would verify nothing");
        }
        ValidateRule validate = null;
        JsonNode v = node.get("validate");
        if (v != null && d.object(v, path + ".validate")) {
            d.fields(v, path + ".validate", Set.of("deny", "message"), Map.of());
            JsonNode deny = v.get("deny");
            if (deny == null || !d.object(deny, path + ".validate.deny")) {
                d.error(path + ".validate.deny", "is required: the conditions under which the image is refused");
            } else {
                d.fields(deny, path + ".validate.deny", Set.of("conditions"), Map.of());
                validate = new ValidateRule(d.text(v, "message", path + ".validate", false), List.of(), false,
                        preconditions(deny.get("conditions"), path + ".validate.deny.conditions"));
            }
        }
        return new ImageRule(refs, d.strings(node, "skipImageReferences", path), attestors, attestations,
                mutateDigest, verifyDigest == null || verifyDigest, required == null || required,
                d.text(node, "repository", path, false), useCache == null || useCache, action, validate,
                registrySecrets);
    }

    /**
     * Kyverno's conversion of the deprecated single-entry fields ({@code ImageVerification.Convert}
     * of kyverno.io/v1): {@code image} joins {@code imageReferences}; {@code key}, or {@code issuer}
     * with {@code subject} and {@code roots}, becomes one more attestor set (with the entry's
     * {@code annotations}) — on the entry when it has no attestations (Kyverno drops it otherwise,
     * which is reported).
     */
    private JsonNode converted(JsonNode node, String path) {
        String image = node.path("image").asText("");
        String key = node.path("key").asText("");
        String issuer = node.path("issuer").asText("");
        if (image.isEmpty() && key.isEmpty() && issuer.isEmpty()) {
            if (node.has("subject") || node.has("roots")) {
                d.error(path, "has the deprecated subject or roots field without issuer; Kyverno ignores them —"
                        + " write attestors[].entries[].keyless instead");
            }
            return node;
        }
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove(List.of("image", "key", "issuer", "subject", "roots", "annotations"));
        if (!image.isEmpty()) {
            ArrayNode refs = copy.has("imageReferences") && copy.get("imageReferences").isArray()
                    ? (ArrayNode) copy.get("imageReferences") : copy.putArray("imageReferences");
            refs.add(image);
        }
        ObjectNode entry = Json.mapper().createObjectNode();
        if (node.has("annotations")) {
            entry.set("annotations", node.get("annotations"));
        }
        if (!key.isEmpty()) {
            entry.putObject("keys").put("publicKeys", key);
        } else if (!issuer.isEmpty()) {
            ObjectNode keyless = entry.putObject("keyless").put("issuer", issuer);
            if (node.has("subject")) {
                keyless.set("subject", node.get("subject"));
            }
            if (node.has("roots")) {
                keyless.set("roots", node.get("roots"));
            }
        }
        if (!key.isEmpty() || !issuer.isEmpty() || node.has("annotations")) {
            if (node.path("attestations").isArray() && !node.path("attestations").isEmpty()) {
                d.warn(path + ".key", "the deprecated single-entry signer beside attestations is dropped by Kyverno's"
                        + " conversion; list it under attestations[].attestors");
            } else {
                ArrayNode sets = copy.has("attestors") && copy.get("attestors").isArray()
                        ? (ArrayNode) copy.get("attestors") : copy.putArray("attestors");
                sets.addObject().putArray("entries").add(entry);
            }
        }
        d.warn(path, "uses the deprecated " + (image.isEmpty() ? "" : "image ") + (key.isEmpty() ? "" : "key ")
                + (issuer.isEmpty() ? "" : "issuer/subject ") + "field(s); read as Kyverno converts them (imageReferences,"
                + " attestors) — write those instead");
        return copy;
    }

    private AttestationCheck attestation(JsonNode node, String path, List<AttestorSet> ruleAttestors, boolean notary) {
        if (!d.object(node, path)) {
            return null;
        }
        d.fields(node, path, Set.of("predicateType", "type", "attestors", "conditions", "name"), Map.of());
        String predicateType = d.text(node, "predicateType", path, false);
        String type = d.text(node, "type", path, false);
        if (predicateType != null && type != null && !predicateType.equals(type)) {
            d.error(path, "has predicateType \"" + predicateType + "\" and type \"" + type + "\"; they must agree");
        }
        String wanted = predicateType != null ? predicateType : type;
        if (wanted == null) {
            d.error(path + ".predicateType", "is required: the attestation's predicate type, e.g. https://slsa.dev/provenance/v1");
            return null;
        }
        // a Notary "attestation" is a signed referrer of that artifact type, matched as written
        String resolved = notary ? wanted : PredicateTypes.resolve(wanted);
        // Kyverno matches the predicate type as the exact string the policy gives (e.g.
        // cosign.sigstore.dev/attestation/vuln/v1, or a custom "vulnerability-scan"): so does Trustplane.
        if (!notary && !PredicateTypes.SHORT_NAMES.containsValue(resolved)) {
            String close = PredicateTypes.closest(resolved);
            if (close != null) {
                d.warn(path + ".predicateType", "is \"" + resolved + "\"; did you mean " + close + "? An attestation"
                        + " with another type does not satisfy this entry");
            }
        }
        List<AttestorSet> attestors = attestorReader.attestorSets(d.list(node, "attestors", path), path + ".attestors",
                notary);
        if (attestors.isEmpty()) {
            if (ruleAttestors.isEmpty()) {
                d.error(path + ".attestors", "is required when the verifyImages entry has no attestors: say who must sign it");
            }
            attestors = ruleAttestors;
        }
        List<Conditions.Block> blocks = new ArrayList<>();
        List<JsonNode> cs = d.list(node, "conditions", path);
        for (int i = 0; i < cs.size(); i++) {
            String p = path + ".conditions[" + i + "]";
            JsonNode b = cs.get(i);
            if (!d.object(b, p)) {
                continue;
            }
            d.fields(b, p, Set.of("all", "any"), Map.of());
            blocks.add(new Conditions.Block(conditions(d.list(b, "all", p), p + ".all"),
                    conditions(d.list(b, "any", p), p + ".any")));
        }
        return new AttestationCheck(resolved, attestors, blocks, d.text(node, "name", path, false));
    }

    /**
     * Rule {@code preconditions}: an object of {@code any}/{@code all} conditions, or (the older
     * form) a list, which Kyverno reads as {@code all}.
     */
    List<Conditions.Block> preconditions(JsonNode node, String path) {
        if (node == null) {
            return List.of();
        }
        if (node.isArray()) {
            List<JsonNode> all = new ArrayList<>();
            node.forEach(all::add);
            return List.of(new Conditions.Block(conditions(all, path), List.of()));
        }
        if (!d.object(node, path)) {
            return List.of();
        }
        d.fields(node, path, Set.of("all", "any"), Map.of());
        return List.of(new Conditions.Block(conditions(d.list(node, "all", path), path + ".all"),
                conditions(d.list(node, "any", path), path + ".any")));
    }

    private List<Conditions.Condition> conditions(List<JsonNode> nodes, String path) {
        List<Conditions.Condition> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode c = nodes.get(i);
            if (!d.object(c, p)) {
                continue;
            }
            d.fields(c, p, Set.of("key", "operator", "value", "message"), Map.of());
            String op = d.text(c, "operator", p, true);
            if (op != null && !Conditions.OPERATORS.contains(op)) {
                d.error(p + ".operator", "is \"" + op + "\"; expected one of " + Conditions.OPERATORS);
                continue;
            }
            if (!c.has("key")) {
                d.error(p + ".key", "is required");
                continue;
            }
            for (String side : List.of("key", "value")) {
                String problem = Conditions.check(c.get(side));
                if (problem != null) {
                    d.error(p + "." + side, problem);
                }
            }
            if (op != null) {
                out.add(new Conditions.Condition(c.get("key"), op, c.get("value"), d.text(c, "message", p, false)));
            }
        }
        return out;
    }

}
