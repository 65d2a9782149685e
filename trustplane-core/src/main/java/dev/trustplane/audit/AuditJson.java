package dev.trustplane.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The audit's one JSON shape ({@code -o json}, the HTML page's data), described by docs/schemas/audit-v1.json. */
public final class AuditJson {
    public static final String SCHEMA = "https://trustplane.dev/schemas/audit-v1.json";
    private static final ObjectMapper JSON = Json.pretty();

    private AuditJson() {
    }

    public static ObjectNode of(AuditReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("takenAt", r.takenAt().toString());
        root.put("source", r.source());
        ObjectNode summary = root.putObject("summary");
        summary.put("workloads", r.workloads().size());
        summary.put("images", r.images().size());
        counts(summary.putObject("grades"), r.grades());
        counts(summary.putObject("signing"), r.signingStates());
        ObjectNode cross = root.putObject("originBySigning");
        r.originBySigning().forEach((origin, row) -> counts(cross.putObject(origin), row));
        ArrayNode acc = root.putArray("cveBySigning");
        for (AuditReport.Accumulation a : r.cveBySigning()) {
            ObjectNode n = acc.addObject();
            n.put("state", a.state());
            n.put("digests", a.digests());
            n.put("scanned", a.scanned());
            n.put("mean", Math.round(a.mean() * 100) / 100.0);
            n.put("max", a.max());
            n.put("total", a.total());
            n.put("critical", a.critical());
        }
        groups(root.putArray("scopes"), r.scopes());
        groups(root.putArray("teams"), r.teams());
        counts(root.putObject("patchAge"), r.patchAge());
        ArrayNode order = root.putArray("remediation");
        int rank = 1;
        for (WorkloadAudit w : r.workloads()) {
            ObjectNode n = order.addObject();
            n.put("rank", rank++);
            n.put("workload", w.label());
            n.put("namespace", w.namespace());
            n.put("kind", w.kind());
            n.put("name", w.name());
            n.put("team", w.team());
            strings(n.putArray("compliance"), w.compliance());
            n.put("environment", w.environment());
            n.put("score", w.score());
            n.put("grade", w.grade());
            ArrayNode reasons = n.putArray("reasons");
            for (WorkloadAudit.Reason x : w.reasons()) {
                reasons.addObject().put("rule", x.rule()).put("points", x.points()).put("text", x.text());
            }
            ArrayNode containers = n.putArray("containers");
            for (WorkloadAudit.Container c : w.containers()) {
                containers.addObject().put("container", c.container()).put("image", c.image())
                        .put("digest", c.digest()).put("note", c.note());
            }
            ArrayNode findings = n.putArray("findings");
            for (WorkloadAudit.Finding f : w.findings()) {
                findings.addObject().put("kind", f.kind()).put("message", f.message());
            }
        }
        ArrayNode images = root.putArray("images");
        for (ImageAudit i : r.images()) {
            images.add(image(i, r.takenAt()));
        }
        if (r.trend() == null) {
            root.putNull("trend");
        } else {
            AuditReport.Trend t = r.trend();
            ObjectNode n = root.putObject("trend");
            n.put("previous", t.previous().toString());
            n.put("better", t.better());
            n.put("worse", t.worse());
            n.put("same", t.same());
            n.put("added", t.added());
            n.put("gone", t.gone());
            counts(n.putObject("previousGrades"), t.previousGrades());
            ArrayNode changes = n.putArray("changes");
            for (AuditReport.Change c : t.changes()) {
                changes.addObject().put("workload", c.workload()).put("from", c.from()).put("to", c.to());
            }
        }
        counts(root.putObject("weights"), r.weights());
        return root;
    }

    /** One image as the report writes it (and the audit's cache stores it). */
    public static ObjectNode image(ImageAudit i, Instant now) {
        ObjectNode n = JSON.createObjectNode();
        n.put("digest", i.digest());
        n.put("repository", i.repository());
        strings(n.putArray("images"), i.images());
        n.put("origin", i.origin());
        ObjectNode s = n.putObject("signing");
        s.put("state", i.signing().state().name());
        strings(s.putArray("signers"), i.signing().signers());
        s.put("detail", i.signing().detail());
        s.put("mismatch", i.signing().mismatch());
        ImageAudit.Vulnerabilities v = i.vulnerabilities();
        ObjectNode vn = n.putObject("vulnerabilities");
        vn.put("known", v.known());
        vn.put("critical", v.critical());
        vn.put("high", v.high());
        vn.put("medium", v.medium());
        vn.put("low", v.low());
        vn.put("other", v.other());
        vn.put("criticalFixable", v.criticalFixable());
        vn.put("highFixable", v.highFixable());
        strings(vn.putArray("worst"), v.worst());
        vn.put("note", v.note());
        n.put("distribution", i.distribution());
        n.put("created", time(i.created()));
        n.put("ageDays", i.ageDays(now));
        n.put("newerSince", time(i.newerSince()));
        n.put("newerDigest", i.newerDigest());
        n.put("behindDays", i.behindDays(now));
        n.put("abandoned", i.abandoned());
        n.put("workloads", i.workloads());
        return n;
    }

    /** The image back from {@link #image}. */
    static ImageAudit image(JsonNode n) {
        JsonNode s = n.path("signing");
        JsonNode v = n.path("vulnerabilities");
        return new ImageAudit(n.path("digest").asText(), n.path("repository").asText(), list(n.path("images")),
                text(n, "origin"), new ImageAudit.Signing(ImageAudit.SigningState.valueOf(s.path("state").asText()),
                list(s.path("signers")), text(s, "detail"), text(s, "mismatch")),
                new ImageAudit.Vulnerabilities(v.path("known").asBoolean(), v.path("critical").asInt(),
                        v.path("high").asInt(), v.path("medium").asInt(), v.path("low").asInt(), v.path("other").asInt(),
                        v.path("criticalFixable").asInt(), v.path("highFixable").asInt(), list(v.path("worst")),
                        text(v, "note")), text(n, "distribution"), instant(text(n, "created")),
                instant(text(n, "newerSince")), text(n, "newerDigest"), text(n, "abandoned"), n.path("workloads").asInt());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }

    public static String text(AuditReport r) {
        try {
            return JSON.writeValueAsString(of(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void counts(ObjectNode node, Map<String, Integer> counts) {
        counts.forEach(node::put);
    }

    private static void strings(ArrayNode node, List<String> values) {
        values.forEach(node::add);
    }

    private static void groups(ArrayNode node, List<AuditReport.Group> groups) {
        for (AuditReport.Group g : groups) {
            node.addObject().put("name", g.name()).put("workloads", g.workloads())
                    .put("meanScore", Math.round(g.meanScore() * 10) / 10.0).put("failing", g.failing())
                    .put("critical", g.critical()).put("unverified", g.unverified());
        }
    }
}
