package dev.trustplane.vuln;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Readers of the feeds that say how bad and how exploited a CVE is: NVD's CVE API 2.0 JSON (the
 * yearly feed files and API pages share it), CISA's KEV catalog (JSON) and FIRST's EPSS scores (CSV,
 * with or without its {@code #model_version} line). Like the tracker, a record of an unexpected
 * shape is skipped and reported; a file that is not the feed at all fails with one error. Of NVD's
 * metrics the first Primary (NVD's own) score is taken in the order CVSS v3.1, v3.0, v4.0, v2; a
 * CVE with only Secondary scores takes the first of those in the same order.
 */
final class IntelFeeds {
    static final Pattern CVE = Pattern.compile("CVE-\\d{4}-\\d{4,}");
    /** Metric lists of the NVD 2.0 schema, most preferred first. */
    private static final List<String> NVD_METRICS = List.of("cvssMetricV31", "cvssMetricV30", "cvssMetricV40",
            "cvssMetricV2");

    private IntelFeeds() {
    }

    /** What a reader hands on: a CVE's intel part, or a skipped record. */
    interface Sink {
        void accept(String cve, Consumer<CveIntel[]> update);

        void skipped(String record, String problem);
    }

    /** Reads one NVD 2.0 document; returns the time it names ({@code timestamp}), or null. */
    static Instant nvd(InputStream in, String file, Sink sink) {
        Instant taken = null;
        boolean sawVulnerabilities = false;
        try (JsonParser p = new JsonFactory(Json.mapper()).createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notFeed(file, "NVD CVE API 2.0 JSON", "it is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("format") && value == JsonToken.VALUE_STRING && !p.getText().equals("NVD_CVE")) {
                    throw notFeed(file, "NVD CVE API 2.0 JSON", "its format is '" + p.getText() + "', not NVD_CVE");
                } else if (field.equals("timestamp") && value == JsonToken.VALUE_STRING) {
                    taken = nvdTime(p.getText());
                } else if (field.equals("vulnerabilities") && value == JsonToken.START_ARRAY) {
                    sawVulnerabilities = true;
                    int i = 0;
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                        nvdItem(p, t, "vulnerabilities[" + i++ + "]", sink);
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "NVD feed " + file + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse("") + "; nothing was imported", e);
        }
        if (!sawVulnerabilities) {
            throw notFeed(file, "NVD CVE API 2.0 JSON", "it has no \"vulnerabilities\" array");
        }
        return taken;
    }

    /**
     * One element of {@code vulnerabilities}, streamed: only {@code cve.id} and {@code cve.metrics}
     * are read into memory; descriptions, configurations and references (most of a feed's bytes)
     * are skipped by the parser.
     */
    private static void nvdItem(JsonParser p, JsonToken start, String at, Sink sink) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            sink.skipped(at, "is not an object");
            return;
        }
        String id = "";
        JsonNode metrics = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("cve") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if (f.equals("id") && v == JsonToken.VALUE_STRING) {
                        id = p.getText();
                    } else if (f.equals("metrics") && v == JsonToken.START_OBJECT) {
                        metrics = p.readValueAsTree();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (!CVE.matcher(id).matches()) {
            sink.skipped(at, "cve.id '" + id + "' is not a CVE id");
            return;
        }
        if (metrics == null) {
            return; // not scored (yet): nothing to record, not an odd record
        }
        JsonNode best = null;
        String version = null;
        search:
        for (String list : NVD_METRICS) {
            for (JsonNode m : metrics.path(list)) {
                if (m.path("type").asText("").equals("Primary")) {
                    best = m;
                    version = list;
                    break search;
                }
                if (best == null) {
                    best = m;
                    version = list;
                }
            }
        }
        if (best == null) {
            return; // not scored (yet): nothing to record, not an odd record
        }
        JsonNode data = best.path("cvssData");
        double score = data.path("baseScore").asDouble(Double.NaN);
        String vector = data.path("vectorString").asText("");
        if (Double.isNaN(score) || score < 0 || score > 10 || vector.isEmpty()) {
            sink.skipped(id, version + ": baseScore " + data.path("baseScore") + " / vectorString '" + vector
                    + "' is not a CVSS score");
            return;
        }
        String source = best.path("source").asText("");
        String cvssVersion = data.path("version").asText(version);
        sink.accept(id, x -> x[0] = x[0].withCvss(vector, score, cvssVersion, source));
    }

    /** Reads CISA's KEV catalog; returns the time it was released ({@code dateReleased}), or null. */
    static Instant kev(InputStream in, String file, Sink sink) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "KEV catalog " + file + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse("") + "; nothing was imported", e);
        }
        if (root == null || !root.path("vulnerabilities").isArray()) {
            throw notFeed(file, "CISA KEV catalog", "it has no \"vulnerabilities\" array");
        }
        int i = 0;
        for (JsonNode v : root.path("vulnerabilities")) {
            String at = "vulnerabilities[" + i++ + "]";
            String id = v.path("cveID").asText("");
            if (!CVE.matcher(id).matches()) {
                sink.skipped(at, "cveID '" + id + "' is not a CVE id");
                continue;
            }
            String added = v.path("dateAdded").asText("");
            try {
                LocalDate.parse(added);
            } catch (DateTimeParseException e) {
                sink.skipped(id, "dateAdded '" + added + "' is not a date");
                continue;
            }
            String ransomware = v.path("knownRansomwareCampaignUse").asText("Unknown");
            sink.accept(id, x -> x[0] = x[0].withKev(added, ransomware));
        }
        String released = root.path("dateReleased").asText("");
        try {
            return released.isEmpty() ? null : Instant.parse(released);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Reads FIRST's EPSS CSV; returns the {@code score_date} of its first line, or null. */
    static Instant epss(InputStream in, String file, Sink sink) {
        Instant taken = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line = r.readLine();
            int n = 1;
            if (line != null && line.startsWith("#")) {
                for (String item : line.substring(1).split(",")) {
                    int colon = item.indexOf(':');
                    if (colon > 0 && item.substring(0, colon).strip().equals("score_date")) {
                        taken = epssTime(item.substring(colon + 1).strip());
                    }
                }
                line = r.readLine();
                n++;
            }
            if (line == null || !line.strip().toLowerCase(Locale.ROOT).startsWith("cve,epss,percentile")) {
                throw notFeed(file, "FIRST EPSS CSV", "its header is not 'cve,epss,percentile'");
            }
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cols = line.split(",", -1);
                if (cols.length < 3 || !CVE.matcher(cols[0].strip()).matches()) {
                    sink.skipped("line " + n, "is not 'CVE-…,probability,percentile'");
                    continue;
                }
                double p;
                double pct;
                try {
                    p = Double.parseDouble(cols[1].strip());
                    pct = Double.parseDouble(cols[2].strip());
                } catch (NumberFormatException e) {
                    sink.skipped(cols[0].strip(), "line " + n + ": '" + cols[1] + "," + cols[2] + "' are not numbers");
                    continue;
                }
                if (!(p >= 0 && p <= 1 && pct >= 0 && pct <= 1)) {
                    sink.skipped(cols[0].strip(), "line " + n + ": probability and percentile must lie in [0, 1]");
                    continue;
                }
                sink.accept(cols[0].strip(), x -> x[0] = x[0].withEpss(p, pct));
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read EPSS scores " + file + ": " + e.getMessage(), e);
        }
        return taken;
    }

    private static Instant nvdTime(String text) {
        try {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant epssTime(String text) {
        for (DateTimeFormatter f : List.of(DateTimeFormatter.ISO_OFFSET_DATE_TIME,
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ"))) {
            try {
                return OffsetDateTime.parse(text, f).toInstant();
            } catch (DateTimeParseException e) {
                // next
            }
        }
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static TrustplaneException notFeed(String file, String what, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, file + " is not a " + what + " file: " + why
                + "; nothing was imported and the previous database is unchanged");
    }
}
