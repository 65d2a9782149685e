package dev.trustplane.vuln;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code db update}: fetches every configured feed itself — the Debian tracker, OSV, NVD, KEV and
 * EPSS — with conditional requests (the ETag and Last-Modified of the last download), keeps each
 * download beside the database, and imports only the feeds whose files changed. Every import
 * swaps its database file atomically; a feed that cannot be fetched or read leaves its previous
 * data and is reported, and the others are still updated.
 */
public final class FeedUpdate {
    /** One configured feed: its kind and its URLs (NVD: one per yearly file). */
    public record Feed(String kind, List<String> urls) {
        public Feed {
            urls = List.copyOf(urls);
        }
    }

    /** What happened to one feed. */
    public record Outcome(String kind, Status status, String detail) {
    }

    /** Whether a feed was imported, unchanged since the last download, or failed. */
    public enum Status { IMPORTED, NOT_MODIFIED, FAILED }

    static final List<String> KINDS = List.of("tracker", "osv", "nvd", "kev", "epss");
    private static final String STATE = "feeds-state.json";

    private final Path dbDir;
    private final HttpClient http;
    private final Clock clock;

    public FeedUpdate(Path dbDir, Clock clock) {
        this.dbDir = dbDir;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The public feeds: the tracker, osv.dev's Debian dump, NVD's yearly 2.0 files since 2002, KEV and EPSS. */
    public static List<Feed> defaults(Instant now) {
        List<String> nvd = new ArrayList<>();
        for (int y = 2002; y <= Year.from(now.atZone(ZoneOffset.UTC)).getValue(); y++) {
            nvd.add("https://nvd.nist.gov/feeds/json/cve/2.0/nvdcve-2.0-" + y + ".json.gz");
        }
        return List.of(new Feed("tracker", List.of("https://security-tracker.debian.org/tracker/data/json")),
                new Feed("osv", List.of("https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip")),
                new Feed("nvd", nvd),
                new Feed("kev", List.of(
                        "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json")),
                new Feed("epss", List.of("https://epss.cyentia.com/epss_scores-current.csv.gz")));
    }

    /**
     * Reads a feeds file (YAML or JSON): {@code feeds: {tracker: URL, osv: URL, nvd: [URL…], kev: URL,
     * epss: URL}}; a feed left out is not updated. Unknown feed names are an error naming them.
     */
    public static List<Feed> read(Path file) {
        JsonNode root;
        try {
            root = Json.yaml().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Feeds file " + file + " does not exist; write one"
                    + " (feeds: {tracker: URL, kev: URL, …}) or leave out --feeds for the public feeds", e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Feeds file " + file + " cannot be read: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        JsonNode feeds = root == null ? null : root.get("feeds");
        if (feeds == null || !feeds.isObject()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Feeds file " + file + " has no 'feeds' map; write"
                    + " e.g. feeds: {tracker: https://…, kev: https://…} (kinds: " + String.join(", ", KINDS) + ")");
        }
        List<Feed> out = new ArrayList<>();
        for (var it = feeds.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!KINDS.contains(e.getKey())) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Feeds file " + file + ": unknown feed '"
                        + e.getKey() + "'; the kinds are " + String.join(", ", KINDS));
            }
            List<String> urls = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(u -> urls.add(u.asText()));
            } else {
                urls.add(e.getValue().asText());
            }
            for (String u : urls) {
                if (!u.startsWith("https://") && !u.startsWith("http://")) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Feeds file " + file + ", feed "
                            + e.getKey() + ": '" + u + "' is not an http(s) URL");
                }
            }
            out.add(new Feed(e.getKey(), urls));
        }
        return out;
    }

    /** Updates every feed of {@code feeds} in order; never throws for one feed's failure. */
    public List<Outcome> run(List<Feed> feeds) {
        ObjectNode state = loadState();
        List<Outcome> out = new ArrayList<>();
        for (Feed feed : feeds) {
            try {
                out.add(update(feed, state));
            } catch (TrustplaneException e) {
                out.add(new Outcome(feed.kind(), Status.FAILED, e.getMessage()));
            }
            saveState(state);
        }
        return out;
    }

    private Outcome update(Feed feed, ObjectNode state) {
        Path downloads = dbDir.resolve("downloads").resolve(feed.kind());
        boolean changed = !present(feed.kind());
        List<Path> files = new ArrayList<>();
        // The validators of what was downloaded now: kept only once the import succeeded, so that a
        // download whose import failed is fetched (and imported) again next time, not taken as current.
        ObjectNode fresh = state.objectNode();
        for (String url : feed.urls()) {
            Path file = downloads.resolve(fileName(url));
            changed |= fetch(url, file, state, fresh);
            files.add(file);
        }
        if (!changed) {
            return new Outcome(feed.kind(), Status.NOT_MODIFIED, "not modified since the last download");
        }
        Instant now = clock.instant();
        String detail = switch (feed.kind()) {
            case "tracker" -> {
                try (FeedSource.Opened o = FeedSource.open(files.get(0).toString(), taken(fresh, state,
                        feed.urls().get(0)))) {
                    VulnDb.FeedInfo i = VulnDb.importTracker(dbDir, o.stream(), feed.urls().get(0), o.takenAt(), now);
                    yield i.records() + " records" + (i.skipped() == 0 ? "" : ", " + i.skipped() + " skipped");
                } catch (IOException e) {
                    throw new TrustplaneException(ErrorKind.IO, "Cannot read " + files.get(0) + ": " + e, e);
                }
            }
            case "osv" -> {
                Instant taken = taken(fresh, state, feed.urls().get(0));
                OsvDb.Info i = OsvDb.importFrom(dbDir, files.get(0), taken == null ? now : taken, now);
                yield i.advisories() + " advisories";
            }
            default -> {
                IntelDb.FeedInfo i = IntelImport.run(dbDir, IntelDb.Feed.valueOf(feed.kind().toUpperCase(Locale.ROOT)),
                        files.stream().map(Path::toString).toList(), null);
                yield i.records() + " records" + (i.skipped() == 0 ? "" : ", " + i.skipped() + " skipped");
            }
        };
        state.setAll(fresh);
        return new Outcome(feed.kind(), Status.IMPORTED, detail);
    }

    /** Whether the database of {@code kind} exists (a feed never imported is imported even when not modified). */
    private boolean present(String kind) {
        return switch (kind) {
            case "tracker" -> Files.isRegularFile(dbDir.resolve(VulnDb.FILE));
            case "osv" -> Files.isRegularFile(dbDir.resolve(OsvDb.FILE));
            default -> IntelDb.feedsIfPresent(dbDir).containsKey(IntelDb.Feed.valueOf(kind.toUpperCase(Locale.ROOT)));
        };
    }

    /** Downloads {@code url} into {@code file} unless the server says it did not change; returns whether it did. */
    private boolean fetch(String url, Path file, ObjectNode state, ObjectNode fresh) {
        JsonNode last = state.path(url);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("User-Agent", "trustplane");
        if (Files.isRegularFile(file)) {
            if (last.hasNonNull("etag")) {
                request.header("If-None-Match", last.get("etag").asText());
            }
            if (last.hasNonNull("lastModified")) {
                request.header("If-Modified-Since", last.get("lastModified").asText());
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Cannot fetch " + url + ": " + e.getMessage()
                    + "; the previous data stays", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while fetching " + url, e);
        }
        int status = response.statusCode();
        if (status == 304) {
            drain(response);
            return false;
        }
        if (status != 200) {
            drain(response);
            throw new TrustplaneException(status == 404 ? ErrorKind.NOT_FOUND : ErrorKind.REMOTE_ERROR, url
                    + " answered HTTP " + status + "; the previous data stays");
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, out -> copyBounded(response.body(), out, url));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot store the download of " + url + " in " + file + ": "
                    + e, e);
        }
        ObjectNode s = fresh.putObject(url);
        response.headers().firstValue("ETag").ifPresent(v -> s.put("etag", v));
        response.headers().firstValue("Last-Modified").ifPresent(v -> s.put("lastModified", v));
        s.put("fetchedAt", clock.instant().toString());
        return true;
    }

    /** When the feed at {@code url} was taken: its Last-Modified, else when it was fetched. */
    private static Instant taken(ObjectNode fresh, ObjectNode state, String url) {
        JsonNode s = fresh.has(url) ? fresh.path(url) : state.path(url);
        if (s.hasNonNull("lastModified")) {
            try {
                return ZonedDateTime.parse(s.get("lastModified").asText(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException ignored) {
                // fall through
            }
        }
        return s.hasNonNull("fetchedAt") ? Instant.parse(s.get("fetchedAt").asText()) : null;
    }

    private static void copyBounded(InputStream in, OutputStream out, String url) throws IOException {
        try (in) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > FeedSource.MAX_FEED) {
                    throw new LimitExceededException("vulnerability feed size", FeedSource.MAX_FEED, url);
                }
                out.write(buf, 0, n);
            }
        }
    }

    private static void drain(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.skip(Long.MAX_VALUE);
        } catch (IOException ignored) {
            // closing is all that matters
        }
    }

    /** A file name for a URL's download: its last path segment, made safe, prefixed by a hash of the URL. */
    static String fileName(String url) {
        String path = URI.create(url).getPath();
        String last = path == null || path.isEmpty() ? "feed" : path.substring(path.lastIndexOf('/') + 1);
        last = last.replaceAll("[^A-Za-z0-9._-]", "_");
        if (last.isEmpty() || last.startsWith(".")) {
            last = "feed" + last;
        }
        String hash = Digest.sha256(url.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 12);
        // keep the suffix that tells FeedSource how to read it (.gz, .json, .zip, .csv)
        return hash + "-" + (last.contains(".") ? last : last + ".json");
    }

    private ObjectNode loadState() {
        Path f = dbDir.resolve(STATE);
        try {
            if (Files.isRegularFile(f)) {
                JsonNode n = Json.mapper().readTree(Files.readAllBytes(f));
                if (n instanceof ObjectNode o) {
                    return o;
                }
            }
        } catch (IOException e) {
            // a damaged state only costs a full download
        }
        return Json.mapper().createObjectNode();
    }

    private void saveState(ObjectNode state) {
        try {
            Files.createDirectories(dbDir);
            Map<String, JsonNode> sorted = new LinkedHashMap<>();
            state.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            AtomicFiles.write(dbDir.resolve(STATE), Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(sorted));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write " + dbDir.resolve(STATE) + ": " + e, e);
        }
    }
}
