package dev.trustplane.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;

/**
 * The JSON shapes of what the engine decided, the ones every front end writes ({@code policy test
 * -o json}, the webhook's decision log, the ledger API): one {@link #decision} per rule and
 * container, and an {@link #evaluation} per resource.
 */
public final class EvaluationJson {
    private EvaluationJson() {
    }

    /** policy, policyHash, rule, mode, verdict, container, image, digest, signers, message. */
    public static ObjectNode decision(Decision d) {
        ObjectNode x = Json.mapper().createObjectNode();
        x.put("policy", d.policy());
        x.put("policyHash", d.policyHash());
        x.put("rule", d.rule());
        x.put("mode", d.action().label());
        x.put("verdict", d.verdict().name());
        x.put("container", d.container());
        x.put("image", d.image());
        x.put("digest", d.digest());
        ArrayNode signers = x.putArray("signers");
        d.signers().forEach(signers::add);
        x.put("message", d.message());
        return x;
    }

    /** input, resource, allowed, decisions and the digest pins (path, image). */
    public static ObjectNode evaluation(String input, Resource resource, Evaluation ev) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("input", input);
        o.put("resource", resource.label());
        o.put("allowed", !ev.denied());
        ArrayNode ds = o.putArray("decisions");
        ev.decisions().forEach(d -> ds.add(decision(d)));
        ArrayNode pins = o.putArray("pins");
        for (Evaluation.Pin p : ev.pins()) {
            pins.addObject().put("path", p.pointer()).put("image", p.image());
        }
        return o;
    }
}
