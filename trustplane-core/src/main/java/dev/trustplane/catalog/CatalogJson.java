package dev.trustplane.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** The plans of the images named in {@code names} (all when empty); a name not in the catalog is an error. */
    public static List<ImagePlan> only(List<ImagePlan> plans, List<String> names) {
        if (names.isEmpty()) {
            return plans;
        }
        List<ImagePlan> out = new ArrayList<>();
        for (String name : names) {
            out.add(plans.stream().filter(p -> p.image().name().equals(name)).findFirst().orElseThrow(() ->
                    new TrustplaneException(ErrorKind.INVALID_INPUT, "--image " + name + " is not in the catalog; its"
                            + " images are " + plans.stream().map(p -> p.image().name()).toList())));
        }
        return out;
    }

    /** The largest result a Kubernetes container's termination message holds. */
    public static final int MAX_RESULT_BYTES = 4096;

    /**
     * The outcomes as compact JSON ({@code images: [{image, result, repository, reason, variants:
     * [{variant, digest}]}]}), shortened to {@link #MAX_RESULT_BYTES} (reasons first, then variants).
     */
    public static String result(List<CatalogUpdater.Outcome> outcomes) {
        for (int detail = 2; detail >= 0; detail--) {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode images = root.putArray("images");
            for (CatalogUpdater.Outcome o : outcomes) {
                ObjectNode n = images.addObject().put("image", o.image()).put("result", lower(o.result().name()))
                        .put("repository", o.repository());
                if (detail >= 2) {
                    n.put("reason", o.reason());
                }
                if (detail >= 1) {
                    ArrayNode variants = n.putArray("variants");
                    o.variants().forEach(v -> variants.addObject().put("variant", v.variant()).put("digest", v.digest()));
                }
            }
            String text = root.toString();
            if (text.getBytes(StandardCharsets.UTF_8).length <= MAX_RESULT_BYTES || detail == 0) {
                return text;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Writes {@link #result} to {@code file}. */
    public static void writeResult(Path file, List<CatalogUpdater.Outcome> outcomes) {
        try {
            Files.writeString(file, result(outcomes));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Could not write the result to " + file + ": " + e.getMessage());
        }
    }

    /** The outcomes {@link #result} wrote (variants without tags or previous digests, no fixes). */
    public static List<CatalogUpdater.Outcome> parseResult(String text) {
        List<CatalogUpdater.Outcome> out = new ArrayList<>();
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The rebuild's result is not JSON: " + e.getMessage());
        }
        for (JsonNode n : root.path("images")) {
            List<CatalogUpdater.Variant> variants = new ArrayList<>();
            n.path("variants").forEach(v -> variants.add(new CatalogUpdater.Variant(v.path("variant").asText(),
                    v.path("digest").asText(), null, List.of())));
            CatalogUpdater.Outcome.Result result = switch (n.path("result").asText()) {
                case "published" -> CatalogUpdater.Outcome.Result.PUBLISHED;
                case "up_to_date" -> CatalogUpdater.Outcome.Result.UP_TO_DATE;
                default -> CatalogUpdater.Outcome.Result.FAILED;
            };
            out.add(new CatalogUpdater.Outcome(n.path("image").asText(), result, n.path("repository").asText(),
                    variants, List.of(), n.path("reason").asText("")));
        }
        return out;
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
