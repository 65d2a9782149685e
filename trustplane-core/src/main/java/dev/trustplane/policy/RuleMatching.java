package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Which rules apply to a resource, as Kyverno decides it: {@code match}/{@code exclude} (kinds with
 * group and version, names, namespaces, label and namespace selectors, operations), autogen for
 * the pod templates of controllers, preconditions, and the PolicyExceptions that except a resource.
 */
final class RuleMatching {
    private static final Set<String> CONTROLLERS = Set.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
            "CronJob", "ReplicationController");

    private RuleMatching() {
    }

    /** Whether a rule applies to a resource: not at all, to it, or to the pod template of a controller. */
    enum Applies { NO, DIRECTLY, POD_TEMPLATE }

    /** A namespaceSelector met a namespace whose labels are not known: the rule decides "error". */
    static final class UnknownLabels extends RuntimeException {
        UnknownLabels(String message) {
            super(message, null, false, false);
        }
    }


    static Applies applies(Policy policy, Rule rule, Resource r) {
        Applies direct = matches(rule.match(), r, false) ? Applies.DIRECTLY : Applies.NO;
        Applies result = direct;
        if (direct == Applies.NO && policy.autogen() && CONTROLLERS.contains(r.kind()) && r.pod() != null
                && matches(rule.match(), r, true)) {
            result = Applies.POD_TEMPLATE;
        }
        if (result != Applies.NO && !rule.exclude().isEmpty() && matches(rule.exclude(), r, result == Applies.POD_TEMPLATE)) {
            return Applies.NO;
        }
        return result;
    }

    /**
     * Whether the rule's preconditions hold in {@code context} (the request's, with the rule's own context). One that
     * cannot be evaluated (a failing function, a bad regular expression) does not skip the rule:
     * an unreadable precondition must not turn a verification off.
     */
    static boolean preconditionsHold(Rule rule, JsonNode context) {
        try {
            return Conditions.evaluate(rule.preconditions(), context) == null;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * The PolicyException in force that excepts {@code r} from {@code rule}, or null. One whose
     * match or conditions cannot be decided (unknown namespace labels, a failing condition) does
     * not apply: an exception is never granted by an error.
     */
    static PolicyException exception(Policy policy, Rule rule, Resource r, Applies applies, JsonNode context,
            Instant now) {
        for (PolicyException e : policy.exceptions()) {
            if (!e.inForceAt(now) || e.exceptions().stream().noneMatch(t -> t.covers(policy, rule.name()))) {
                continue;
            }
            try {
                boolean matched = matches(e.match(), r, false)
                        || applies == Applies.POD_TEMPLATE && matches(e.match(), r, true);
                if (matched && (e.conditions().isEmpty() || Conditions.evaluate(e.conditions(), context) == null)) {
                    return e;
                }
            } catch (RuntimeException ex) {
                // undecidable: not excepted
            }
        }
        return null;
    }

    private static boolean matches(ResourceMatch m, Resource r, boolean asPod) {
        if (m.isEmpty()) {
            return false;
        }
        boolean any = m.any().isEmpty() || m.any().stream().anyMatch(f -> matches(f, r, asPod));
        boolean all = m.all().stream().allMatch(f -> matches(f, r, asPod));
        return any && all;
    }

    private static boolean matches(ResourceFilter f, Resource r, boolean asPod) {
        if (!f.kinds().isEmpty() && f.kinds().stream().noneMatch(k -> kindMatches(k, r, asPod))) {
            return false;
        }
        if (!f.names().isEmpty() && f.names().stream().noneMatch(n -> Wildcards.match(n, r.name() == null ? "" : r.name()))) {
            return false;
        }
        if (!f.namespaces().isEmpty() && f.namespaces().stream()
                .noneMatch(n -> Wildcards.match(n, r.namespace() == null ? "" : r.namespace()))) {
            return false;
        }
        if (!f.operations().isEmpty() && !f.operations().contains(r.operation())) {
            return false;
        }
        if (f.selector() != null && !f.selector().matches(r.labels())) {
            return false;
        }
        if (f.namespaceSelector() != null) {
            Map<String, String> namespaceLabels = r.namespaceLabels();
            if (namespaceLabels == null) {
                throw new UnknownLabels("the rule selects namespaces by label, and the labels of namespace "
                        + r.namespace() + " are not known to Trustplane (give them to `policy test` with"
                        + " --namespace-labels, or run the server with cluster access)");
            }
            return f.namespaceSelector().matches(namespaceLabels);
        }
        return true;
    }

    private static boolean kindMatches(String spec, Resource r, boolean asPod) {
        String kind = asPod ? "Pod" : r.kind();
        String group = asPod ? "" : r.group();
        String version = asPod ? "v1" : r.version();
        if (spec.equals("*")) {
            return true;
        }
        String[] parts = spec.split("/");
        String k = parts[parts.length - 1];
        if (k.contains(".") ) {
            k = k.substring(0, k.indexOf('.'));
        }
        if (!Wildcards.match(k, kind)) {
            return false;
        }
        if (parts.length == 2) {
            return Wildcards.match(parts[0], version);
        }
        if (parts.length == 3) {
            return Wildcards.match(parts[0], group == null ? "" : group) && Wildcards.match(parts[1], version);
        }
        return true;
    }
}
