package dev.trustplane.vuln;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.debian.DebianVersion;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Streams the Debian security tracker JSON ({@code tracker/data/json}: source package → CVE →
 * {@code releases.<codename>}) into {@link TrackerEntry} records without holding the whole
 * document. A malformed record is reported with the file, the record and the field.
 */
final class TrackerFeed {
    private static final Set<String> URGENCIES = Set.of("low", "medium", "high", "unimportant", "end-of-life",
            "not yet assigned");
    private static final ObjectMapper JSON = Json.mapper();

    private TrackerFeed() {
    }

    public static int read(InputStream in, String file, Consumer<TrackerEntry> sink) {
        int records = 0;
        try (JsonParser p = new JsonFactory(JSON).createParser(in)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, file, "(top level)", "",
                    "must be an object keyed by source package");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String source = p.currentName();
                expect(p.nextToken() == JsonToken.START_OBJECT, file, source, "", "must be an object keyed by CVE id");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String cve = p.currentName();
                    p.nextToken();
                    JsonNode node = p.readValueAsTree();
                    records += entries(node, source, cve, file, sink);
                }
            }
            return records;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Vulnerability feed " + file
                    + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse("")
                    + " — the file is truncated or not a Debian security tracker export", e);
        }
    }

    private static int entries(JsonNode node, String source, String cve, String file, Consumer<TrackerEntry> sink) {
        String record = source + "/" + cve;
        expect(node != null && node.isObject(), file, record, "", "must be an object");
        JsonNode releases = node.get("releases");
        expect(releases != null && releases.isObject(), file, record, "releases", "is missing or not an object");
        String description = text(node, "description");
        String scope = text(node, "scope");
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = releases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            String at = "releases." + r.getKey();
            JsonNode rel = r.getValue();
            expect(rel.isObject(), file, record, at, "must be an object");
            String statusText = text(rel, "status");
            expect(statusText != null, file, record, at + ".status", "is missing");
            TrackerEntry.Status status = switch (statusText) {
                case "resolved" -> TrackerEntry.Status.RESOLVED;
                case "open" -> TrackerEntry.Status.OPEN;
                case "undetermined" -> TrackerEntry.Status.UNDETERMINED;
                default -> throw malformed(file, record, at + ".status", "'" + statusText
                        + "' is not resolved, open or undetermined");
            };
            String fixed = text(rel, "fixed_version");
            if (fixed != null && !fixed.equals("0")) {
                try {
                    DebianVersion.parse(fixed);
                } catch (TrustplaneException e) {
                    throw malformed(file, record, at + ".fixed_version", "'" + fixed + "' is not a Debian version");
                }
            }
            String urgency = text(rel, "urgency");
            if (urgency != null) {
                urgency = urgency.replace("*", "").strip().toLowerCase(Locale.ROOT);
                expect(URGENCIES.contains(urgency), file, record, at + ".urgency", "'" + urgency
                        + "' is not one of " + new TreeSet<>(URGENCIES));
            }
            JsonNode nodsa = rel.get("nodsa");
            sink.accept(new TrackerEntry(source, cve, r.getKey(), status, fixed, urgency,
                    nodsa != null && !nodsa.isNull() && !(nodsa.isBoolean() && !nodsa.asBoolean()),
                    text(rel, "nodsa_reason"), scope, description));
            n++;
        }
        return n;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void expect(boolean ok, String file, String record, String field, String problem) {
        if (!ok) {
            throw malformed(file, record, field, problem);
        }
    }

    private static TrustplaneException malformed(String file, String record, String field, String problem) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "Vulnerability feed " + file + ", record " + record
                + (field.isEmpty() ? "" : ", field " + field) + ": " + problem
                + "; nothing was imported and the previous database is unchanged");
    }
}
