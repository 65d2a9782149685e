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
 * document. A file that is not a tracker export at all fails with one error; inside one, a record
 * or a release entry of an unexpected shape (a real export holds a few, e.g. {@code "releases": []})
 * is skipped and reported to the caller with the record and the field, never failing the import.
 */
final class TrackerFeed {
    private static final Set<String> URGENCIES = Set.of("low", "medium", "high", "unimportant", "end-of-life",
            "not yet assigned");
    private static final ObjectMapper JSON = Json.mapper();

    private TrackerFeed() {
    }

    /** A record or release entry that was skipped: {@code source/CVE[/release]}, the field and the problem. */
    record Skipped(String record, String field, String problem) {
        @Override
        public String toString() {
            return record + (field.isEmpty() ? "" : " (" + field + ")") + ": " + problem;
        }
    }

    /** A record that is skipped, not fatal. */
    private static final class Odd extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Skipped skipped;

        Odd(String record, String field, String problem) {
            super(problem, null, false, false);
            this.skipped = new Skipped(record, field, problem);
        }
    }

    public static int read(InputStream in, String file, Consumer<TrackerEntry> sink) {
        return read(in, file, sink, s -> {
            throw malformed(file, s.record(), s.field(), s.problem());
        });
    }

    /** Reads every record; those of an unexpected shape go to {@code skipped}. Returns the entries read. */
    public static int read(InputStream in, String file, Consumer<TrackerEntry> sink, Consumer<Skipped> skipped) {
        int records = 0;
        try (JsonParser p = new JsonFactory(JSON).createParser(in)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, file, "(top level)", "",
                    "must be an object keyed by source package");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String source = p.currentName();
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    skipped.accept(new Skipped(source, "", "is not an object keyed by CVE id"));
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String cve = p.currentName();
                    p.nextToken();
                    JsonNode node = p.readValueAsTree();
                    records += entries(node, source, cve, sink, skipped);
                }
            }
            return records;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Vulnerability feed " + file
                    + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse("")
                    + " — the file is truncated or not a Debian security tracker export", e);
        }
    }

    private static int entries(JsonNode node, String source, String cve, Consumer<TrackerEntry> sink,
            Consumer<Skipped> skipped) {
        String record = source + "/" + cve;
        if (node == null || !node.isObject()) {
            skipped.accept(new Skipped(record, "", "is not an object"));
            return 0;
        }
        JsonNode releases = node.get("releases");
        if (releases == null || !releases.isObject()) {
            skipped.accept(new Skipped(record, "releases", releases == null ? "is missing"
                    : "is " + (releases.isArray() ? "an array" : releases.getNodeType().toString().toLowerCase(
                            Locale.ROOT)) + ", not an object keyed by release"));
            return 0;
        }
        String description = text(node, "description");
        String scope = text(node, "scope");
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = releases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            try {
                sink.accept(entry(source, cve, r.getKey(), r.getValue(), description, scope));
                n++;
            } catch (Odd odd) {
                skipped.accept(odd.skipped);
            }
        }
        return n;
    }

    private static TrackerEntry entry(String source, String cve, String release, JsonNode rel, String description,
            String scope) {
        String record = source + "/" + cve + "/" + release;
        String at = "releases." + release;
        odd(rel.isObject(), record, at, "must be an object");
        String statusText = text(rel, "status");
        odd(statusText != null, record, at + ".status", "is missing");
        TrackerEntry.Status status = switch (statusText) {
            case "resolved" -> TrackerEntry.Status.RESOLVED;
            case "open" -> TrackerEntry.Status.OPEN;
            case "undetermined" -> TrackerEntry.Status.UNDETERMINED;
            default -> throw new Odd(record, at + ".status", "'" + statusText
                    + "' is not resolved, open or undetermined");
        };
        String fixed = text(rel, "fixed_version");
        if (fixed != null && !fixed.equals("0")) {
            try {
                DebianVersion.parse(fixed);
            } catch (TrustplaneException e) {
                throw new Odd(record, at + ".fixed_version", "'" + fixed + "' is not a Debian version");
            }
        }
        String urgency = text(rel, "urgency");
        if (urgency != null) {
            urgency = urgency.replace("*", "").strip().toLowerCase(Locale.ROOT);
            odd(URGENCIES.contains(urgency), record, at + ".urgency", "'" + urgency + "' is not one of "
                    + new TreeSet<>(URGENCIES));
        }
        JsonNode nodsa = rel.get("nodsa");
        return new TrackerEntry(source, cve, release, status, fixed, urgency,
                nodsa != null && !nodsa.isNull() && !(nodsa.isBoolean() && !nodsa.asBoolean()),
                text(rel, "nodsa_reason"), scope, description);
    }

    private static void odd(boolean ok, String record, String field, String problem) {
        if (!ok) {
            throw new Odd(record, field, problem);
        }
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
