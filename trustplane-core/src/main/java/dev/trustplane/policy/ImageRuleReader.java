package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
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

    ImageRule imageRule(JsonNode node, String path, FailureAction policyAction) {
        if (!d.object(node, path)) {
            return null;
        }
        d.fields(node, path, Set.of("imageReferences", "skipImageReferences", "attestors", "attestations",
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
        String type = d.text(node, "type", path, false);
        if (type != null && !type.equals("Cosign") && !type.equals("SigstoreBundle")) {
            d.error(path + ".type", "is \"" + type + "\"; Trustplane verifies Cosign signatures and Sigstore"
                    + " bundles (Notary is not supported)");
        }
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
        if (Boolean.FALSE.equals(required)) {
            d.warn(path + ".required", "is false; Trustplane verifies the image in both webhooks and does not"
                    + " rely on the kyverno.io/verify-images annotation, so this changes nothing");
        }
        Boolean useCache = d.bool(node, "useCache", path);
        List<AttestorSet> attestors = attestorReader.attestorSets(d.list(node, "attestors", path), path + ".attestors");
        List<AttestationCheck> attestations = new ArrayList<>();
        List<JsonNode> at = d.list(node, "attestations", path);
        for (int i = 0; i < at.size(); i++) {
            AttestationCheck c = attestation(at.get(i), path + ".attestations[" + i + "]", attestors);
            if (c != null) {
                attestations.add(c);
            }
        }
        if (attestors.isEmpty() && attestations.isEmpty()) {
            d.error(path, "has neither attestors nor attestations: it would verify nothing");
        }
        return new ImageRule(refs, d.strings(node, "skipImageReferences", path), attestors, attestations,
                mutateDigest, verifyDigest == null || verifyDigest, required == null || required,
                d.text(node, "repository", path, false), useCache == null || useCache, action);
    }

    private AttestationCheck attestation(JsonNode node, String path, List<AttestorSet> ruleAttestors) {
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
        String resolved = PredicateTypes.resolve(wanted);
        if (!resolved.contains("://") && !resolved.contains(":")) {
            d.error(path + ".predicateType", "is \"" + wanted + "\": not a URI nor a cosign short name ("
                    + String.join(", ", PredicateTypes.SHORT_NAMES.keySet()) + "); an attestation could never match it");
        } else if (!PredicateTypes.SHORT_NAMES.containsValue(resolved)) {
            String close = PredicateTypes.closest(resolved);
            if (close != null) {
                d.warn(path + ".predicateType", "is \"" + resolved + "\"; did you mean " + close + "? An attestation"
                        + " with another type does not satisfy this entry");
            }
        }
        List<AttestorSet> attestors = attestorReader.attestorSets(d.list(node, "attestors", path), path + ".attestors");
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
        return new AttestationCheck(resolved, attestors, blocks);
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
