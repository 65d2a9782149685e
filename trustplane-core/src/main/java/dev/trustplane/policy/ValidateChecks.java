package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.workload.ContainerImage;
import java.util.List;

/** Kyverno's {@code validate} rules: a pattern (or any of several), or {@code deny} conditions. */
final class ValidateChecks {
    private ValidateChecks() {
    }

    static Decision validate(Policy policy, Rule rule, Resource r, RuleMatching.Applies applies, JsonNode context) {
        JsonNode target = applies == RuleMatching.Applies.POD_TEMPLATE ? r.pod() : r.object();
        ValidateRule v = rule.validate();
        if (v.deny() != null) {
            return deny(policy, rule, r, applies, context);
        }
        Patterns.Result last = null;
        for (JsonNode pattern : v.patterns()) {
            Patterns.Result res = Patterns.match(pattern, target);
            if (res.status() == Outcome.PASS) {
                return new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null, null, null,
                        Outcome.PASS, PolicyEngine.where(policy, rule) + ": " + r.label() + " matches the pattern", List.of());
            }
            if (res.status() == Outcome.SKIP && !v.any()) {
                return new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null, null, null,
                        Outcome.SKIP, PolicyEngine.where(policy, rule) + ": does not apply (" + res.path() + ": "
                        + res.reason() + ")", List.of());
            }
            last = res;
        }
        String message = Conditions.substitute(v.message(), context);
        String path = last == null ? "" : (applies == RuleMatching.Applies.POD_TEMPLATE ? "pod template " : "") + last.path();
        ContainerImage at = containerAt(r, last);
        return new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), at == null ? null : at.label(),
                at == null ? null : at.image(), null, Outcome.FAIL, PolicyEngine.where(policy, rule) + ": "
                + (message == null || message.isBlank() ? "" : message + " — ") + r.label() + ": " + path + ": "
                + (last == null ? "no pattern" : last.reason()) + (v.any() ? " (no pattern of anyPattern matches)" : "")
                + ". Fix the resource or the policy's pattern", List.of());
    }

    /**
     * A {@code deny} rule: FAIL when its conditions all hold. For a controller's pod template,
     * {@code request.object} is the pod, as Kyverno's autogen rewrites {@code request.object.spec}
     * to the template's. A condition that cannot be evaluated is an error, never a pass.
     */
    private static Decision deny(Policy policy, Rule rule, Resource r, RuleMatching.Applies applies,
            JsonNode context) {
        JsonNode ctx = context;
        if (applies == RuleMatching.Applies.POD_TEMPLATE && context.isObject() && context.path("request").isObject()) {
            ObjectNode copy = ((ObjectNode) context).deepCopy();
            ((ObjectNode) copy.get("request")).set("object", r.pod());
            ctx = copy;
        }
        String holds;
        try {
            holds = Conditions.evaluate(rule.validate().deny(), ctx);
        } catch (RuntimeException e) {
            return new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null, null, null,
                    Outcome.ERROR, PolicyEngine.where(policy, rule) + ": the deny conditions could not be evaluated on " + r.label()
                    + ": " + e.getMessage(), List.of());
        }
        if (holds != null) {
            return new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null, null, null,
                    Outcome.PASS, PolicyEngine.where(policy, rule) + ": " + r.label() + " is not denied (" + holds + ")", List.of());
        }
        String message = Conditions.substitute(rule.validate().message(), ctx);
        return new Decision(policy.displayName(), policy.hash(), rule.name(), rule.action(), null, null, null,
                Outcome.FAIL, PolicyEngine.where(policy, rule) + ": " + (message == null || message.isBlank() ? "" : message + " — ")
                + r.label() + ": the deny conditions hold. Fix the resource or the policy", List.of());
    }

    /** The container a failed pattern points into ({@code spec.containers[1].image}), if any. */
    private static ContainerImage containerAt(Resource r, Patterns.Result result) {
        if (result == null || result.path() == null) {
            return null;
        }
        String path = result.path();
        for (ContainerImage c : r.images()) {
            if (path.contains(c.list() + "[" + c.index() + "]")) {
                return c;
            }
        }
        return null;
    }
}
