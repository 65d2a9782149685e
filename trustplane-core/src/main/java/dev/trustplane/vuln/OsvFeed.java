package dev.trustplane.vuln;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import us.springett.cvss.Cvss;

/**
 * Reads OSV JSON (schema 1.6): one advisory object, or an array of them. CVSS v2/v3 vectors are
 * scored with a CVSS library; a malformed record is named by document, advisory and field.
 */
final class OsvFeed {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Set<String> EVENTS = Set.of("introduced", "fixed", "last_affected", "limit");

    private OsvFeed() {
    }

    public static List<OsvRecord> read(InputStream in, String document) {
        return read(in, document, s -> {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, s + "; nothing was imported and the previous"
                    + " database is unchanged");
        });
    }

    /**
     * The advisories of one document; a document that is not JSON or not OSV, or an advisory of an
     * unexpected shape, goes to {@code skipped} (named by document, advisory and field) and the
     * rest is read: one odd record in a dump of tens of thousands must not cost the others.
     */
    public static List<OsvRecord> read(InputStream in, String document, Consumer<String> skipped) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            skipped.accept("OSV document " + document + " is not valid JSON: " + e.getMessage().lines().findFirst()
                    .orElse(""));
            return List.of();
        }
        List<OsvRecord> out = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(items::add);
        } else if (root != null && root.isObject()) {
            items.add(root);
        } else {
            skipped.accept("OSV document " + document + " is neither an advisory object nor an array of advisories");
            return List.of();
        }
        for (JsonNode r : items) {
            try {
                out.add(record(r, document));
            } catch (TrustplaneException e) {
                skipped.accept(e.getMessage());
            }
        }
        return out;
    }

    static OsvRecord record(JsonNode r, String document) {
        String id = r.path("id").asText(null);
        if (id == null || id.isBlank()) {
            throw invalid(document, "?", "id", "is missing");
        }
        List<String> aliases = new ArrayList<>();
        r.path("aliases").forEach(a -> aliases.add(a.asText()));
        List<String> upstream = new ArrayList<>();
        r.path("upstream").forEach(a -> upstream.add(a.asText()));
        String vector = null;
        double score = Double.NaN;
        for (JsonNode s : r.path("severity")) {
            String type = s.path("type").asText();
            if (type.equals("CVSS_V3") || type.equals("CVSS_V2")) {
                String v = s.path("score").asText();
                try {
                    Cvss cvss = Cvss.fromVector(v);
                    if (cvss == null) {
                        throw new IllegalArgumentException("unreadable");
                    }
                    double base = cvss.calculateScore().getBaseScore();
                    if (Double.isNaN(score) || type.equals("CVSS_V3")) {
                        score = base;
                        vector = v;
                    }
                } catch (RuntimeException e) {
                    throw invalid(document, id, "severity", "'" + v + "' is not a CVSS vector");
                }
            }
        }
        List<OsvRecord.Affected> affected = new ArrayList<>();
        int i = 0;
        for (JsonNode a : r.path("affected")) {
            String at = "affected[" + i++ + "]";
            String ecosystem = a.path("package").path("ecosystem").asText(null);
            String name = a.path("package").path("name").asText(null);
            if (ecosystem == null || name == null) {
                throw invalid(document, id, at + ".package", "needs ecosystem and name");
            }
            List<OsvRecord.Range> ranges = new ArrayList<>();
            for (JsonNode range : a.path("ranges")) {
                List<OsvRecord.Event> events = new ArrayList<>();
                for (JsonNode e : range.path("events")) {
                    var fields = e.fieldNames();
                    String kind = fields.hasNext() ? fields.next() : "";
                    if (!EVENTS.contains(kind)) {
                        throw invalid(document, id, at + ".ranges.events", "'" + kind + "' is not introduced, fixed,"
                                + " last_affected or limit");
                    }
                    events.add(new OsvRecord.Event(kind, e.get(kind).asText()));
                }
                ranges.add(new OsvRecord.Range(range.path("type").asText("ECOSYSTEM"), events));
            }
            List<String> versions = new ArrayList<>();
            a.path("versions").forEach(v -> versions.add(v.asText()));
            affected.add(new OsvRecord.Affected(ecosystem, name, ranges, versions));
        }
        String summary = r.path("summary").asText(r.path("details").asText(""));
        Instant modified = null;
        if (r.hasNonNull("modified")) {
            try {
                modified = OffsetDateTime.parse(r.get("modified").asText()).toInstant();
            } catch (DateTimeParseException e) {
                throw invalid(document, id, "modified", "'" + r.get("modified").asText() + "' is not an RFC 3339 time");
            }
        }
        return new OsvRecord(id, aliases, upstream, summary.length() > 500 ? summary.substring(0, 500) : summary, vector, score,
                modified, affected);
    }

    private static TrustplaneException invalid(String document, String id, String field, String problem) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "OSV document " + document + ", advisory " + id
                + ", field " + field + ": " + problem);
    }
}
