package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a {@code PolicyException} document strictly, as {@link PolicyReader} reads policies. */
final class ExceptionReader {
    private final PolicyDocument d;
    private final Instant now;

    ExceptionReader(PolicyDocument d, Instant now) {
        this.d = d;
        this.now = now;
    }

    PolicyException read(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText("");
        d.policy(doc.path("metadata").path("name").asText(null));
        if (!apiVersion.equals("kyverno.io/v2") && !apiVersion.equals("kyverno.io/v2beta1")) {
            d.error("apiVersion", "is \"" + apiVersion + "\"; Trustplane reads PolicyException of kyverno.io/v2 and"
                    + " kyverno.io/v2beta1");
        }
        d.fields(doc, "", Set.of("apiVersion", "kind", "metadata", "spec", "status"), Map.of());
        JsonNode metadata = doc.get("metadata");
        JsonNode spec = doc.get("spec");
        if (!d.object(metadata, "metadata") || !d.object(spec, "spec")) {
            return null;
        }
        String name = d.text(metadata, "name", "metadata", true);
        String namespace = d.text(metadata, "namespace", "metadata", false);
        Instant expires = null;
        JsonNode expiry = metadata.path("annotations").get(PolicyException.EXPIRES);
        if (expiry != null) {
            try {
                expires = OffsetDateTime.parse(expiry.asText()).toInstant();
                if (!now.isBefore(expires)) {
                    d.warn("metadata.annotations." + PolicyException.EXPIRES, "expired at " + expires + ": the"
                            + " exception no longer applies; remove it, or renew it with a new date");
                }
            } catch (DateTimeParseException e) {
                d.error("metadata.annotations." + PolicyException.EXPIRES, "is \"" + expiry.asText() + "\"; write an"
                        + " RFC 3339 time such as 2027-01-31T00:00:00Z");
            }
        } else {
            d.warn("metadata.annotations", "the exception never expires; add " + PolicyException.EXPIRES
                    + ": <RFC 3339 time> so it cannot outlive its reason");
        }
        d.fields(spec, "spec", Set.of("exceptions", "match", "conditions", "background"), Map.of(
                "podSecurity", "Pod Security exemptions; Trustplane evaluates no podSecurity rules"));
        List<PolicyException.Target> targets = new ArrayList<>();
        List<JsonNode> list = d.list(spec, "exceptions", "spec");
        if (list.isEmpty()) {
            d.error("spec.exceptions", "is required: name the policies and rules excepted");
        }
        for (int i = 0; i < list.size(); i++) {
            String p = "spec.exceptions[" + i + "]";
            JsonNode e = list.get(i);
            if (!d.object(e, p)) {
                continue;
            }
            d.fields(e, p, Set.of("policyName", "ruleNames"), Map.of());
            String policy = d.text(e, "policyName", p, true);
            List<String> rules = d.strings(e, "ruleNames", p);
            if (rules.isEmpty()) {
                d.error(p + ".ruleNames", "is required: name the rules excepted");
            }
            if (policy != null) {
                targets.add(new PolicyException.Target(policy, rules));
            }
        }
        ResourceMatch match = ResourceMatch.NONE;
        if (!spec.has("match")) {
            d.error("spec.match", "is required: say which resources the exception covers");
        } else {
            match = new MatchReader(d).match(spec.get("match"), "spec.match", true);
        }
        List<Conditions.Block> conditions = new ImageRuleReader(d, null).preconditions(spec.get("conditions"),
                "spec.conditions");
        if (name == null) {
            return null;
        }
        return new PolicyException(name, namespace, d.source(), targets, match, conditions, expires);
    }
}
