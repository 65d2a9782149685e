package dev.trustplane.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.util.List;
import java.util.Locale;

/** The one JSON shape of plans, update outcomes, polls and the patch timeline (CLI {@code -o json}, server). */
public final class CatalogJson {
    private static final ObjectMapper JSON = Json.pretty();

    private CatalogJson() {
    }

    public static ObjectNode plan(List<ImagePlan> plans) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode images = root.putArray("images");
        for (ImagePlan p : plans) {
            ObjectNode n = images.addObject();
            n.put("image", p.image().name());
            n.put("spec", p.image().specFile().toString());
            n.put("status", lower(p.status().name()));
            n.put("rebuild", p.rebuild());
            n.put("why", p.why());
            n.put("specChanged", p.specChanged());
            n.put("highestSeverity", lower(p.highest().name()));
            ArrayNode changes = n.putArray("changes");
            for (ImagePlan.PackageChange c : p.changes()) {
                ObjectNode x = changes.addObject();
                x.put("package", c.name());
                x.put("from", c.from());
                x.put("to", c.to());
                x.put("source", c.source());
                x.putPOJO("architectures", c.architectures());
                x.putPOJO("variants", c.variants());
            }
            fixes(n.putArray("fixes"), p.fixes());
        }
        return root;
    }

    private static void fixes(ArrayNode out, List<ImagePlan.CveFix> fixes) {
        for (ImagePlan.CveFix f : fixes) {
            ObjectNode x = out.addObject();
            x.put("cve", f.cve());
            x.put("severity", lower(f.severity().name()));
            x.put("source", f.source());
            x.put("from", f.from());
            x.put("fixedVersion", f.fixedVersion());
            x.put("to", f.to());
            x.putPOJO("packages", f.binaries());
        }
    }

    public static ObjectNode outcomes(List<CatalogUpdater.Outcome> outcomes) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode images = root.putArray("images");
        for (CatalogUpdater.Outcome o : outcomes) {
            ObjectNode n = images.addObject();
            n.put("image", o.image());
            n.put("result", lower(o.result().name()));
            n.put("repository", o.repository());
            n.put("reason", o.reason());
            ArrayNode variants = n.putArray("variants");
            for (CatalogUpdater.Variant v : o.variants()) {
                ObjectNode x = variants.addObject();
                x.put("variant", v.variant());
                x.put("digest", v.digest());
                x.put("previousDigest", v.previousDigest());
                x.putPOJO("tags", v.tags());
            }
            fixes(n.putArray("fixes"), o.fixes());
        }
        return root;
    }

    public static ObjectNode poll(ArchiveWatcher.Poll poll) {
        ObjectNode root = JSON.createObjectNode();
        root.put("at", poll.at().toString());
        root.put("changed", poll.changed());
        root.put("tookMs", poll.took().toMillis());
        ArrayNode suites = root.putArray("suites");
        for (ArchiveWatcher.SuiteResult s : poll.suites()) {
            ObjectNode x = suites.addObject();
            x.put("archive", s.archive());
            x.put("suite", s.suite());
            x.put("changed", s.changed());
            x.put("releaseDate", s.releaseDate() == null ? null : s.releaseDate().toString());
            x.put("newVersions", s.newVersions());
            x.put("baseline", s.baseline());
            x.put("problem", s.problem());
        }
        return root;
    }

    public static ObjectNode timeline(PatchTimeline timeline) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rows = root.putArray("fixes");
        for (PatchTimeline.Row r : timeline.rows()) {
            ObjectNode x = rows.addObject();
            x.put("image", r.image());
            x.put("variant", r.variant());
            x.put("digest", r.digest());
            x.put("cve", r.cve());
            x.put("severity", lower(r.severity().name()));
            x.put("source", r.source());
            x.put("fixedVersion", r.fixedVersion());
            x.put("appearedAt", r.appearedAt() == null ? null : r.appearedAt().toString());
            x.put("appearedAtBaseline", r.baseline());
            x.put("publishedAt", r.publishedAt().toString());
            if (r.timeToPatch() == null) {
                x.putNull("timeToPatchSeconds");
            } else {
                x.put("timeToPatchSeconds", r.timeToPatch().toSeconds());
            }
            if (r.sla() == null) {
                x.putNull("slaSeconds");
            } else {
                x.put("slaSeconds", r.sla().toSeconds());
            }
            Boolean within = r.withinSla();
            if (within == null) {
                x.putNull("withinSla");
            } else {
                x.put("withinSla", within);
            }
        }
        ArrayNode summary = root.putArray("summary");
        for (PatchTimeline.Summary s : timeline.summary()) {
            ObjectNode x = summary.addObject();
            x.put("severity", lower(s.severity().name()));
            x.put("fixes", s.fixes());
            x.put("measured", s.measured());
            x.put("medianSeconds", s.median() == null ? null : s.median().toSeconds());
            x.put("worstSeconds", s.worst() == null ? null : s.worst().toSeconds());
            x.put("slaSeconds", s.sla() == null ? null : s.sla().toSeconds());
            x.put("misses", s.misses());
        }
        root.put("misses", timeline.misses().size());
        return root;
    }

    public static String text(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
