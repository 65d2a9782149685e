package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.trustplane.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code db update} against a local HTTP server that serves the real feed material of
 * resources/vuln/real with ETags and answers conditional requests as the feeds' servers do.
 */
class FeedUpdateTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final AtomicInteger full = new AtomicInteger();
    private final AtomicInteger notModified = new AtomicInteger();

    static byte[] real(String name) throws Exception {
        return Files.readAllBytes(IntelDbTest.real(name));
    }

    @BeforeEach
    void serve() throws Exception {
        files.put("/tracker/data/json", real("tracker-vunnel-slice.json"));
        files.put("/nvd/nvdcve-2.0-2023.json", real("nvd/CVE-2023-4863.json"));
        files.put("/nvd/nvdcve-2.0-2024.json", real("nvd/CVE-2024-3094.json"));
        files.put("/kev/known_exploited_vulnerabilities.json.gz", real("known_exploited_vulnerabilities.json.gz"));
        files.put("/epss/epss_scores-current.csv", real("epss-slice.csv"));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (String n : List.of("DSA-3029-1.json", "DLA-3623-1.json")) {
                z.putNextEntry(new ZipEntry(n));
                z.write(real("osv/" + n));
                z.closeEntry();
            }
        }
        files.put("/osv/Debian/all.zip", zip.toByteArray());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = files.get(path);
            try (exchange) {
                Integer failure = failures.get(path);
                if (failure != null || body == null) {
                    exchange.sendResponseHeaders(failure != null ? failure : 404, -1);
                    return;
                }
                String etag = "\"" + Digest.sha256(body).hex().substring(0, 16) + "\"";
                if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                    notModified.incrementAndGet();
                    exchange.sendResponseHeaders(304, -1);
                    return;
                }
                full.incrementAndGet();
                exchange.getResponseHeaders().add("ETag", etag);
                exchange.getResponseHeaders().add("Last-Modified", "Sun, 06 Dec 2026 06:00:00 GMT");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private List<FeedUpdate.Feed> feeds() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return List.of(new FeedUpdate.Feed("tracker", List.of(base + "/tracker/data/json")),
                new FeedUpdate.Feed("osv", List.of(base + "/osv/Debian/all.zip")),
                new FeedUpdate.Feed("nvd", List.of(base + "/nvd/nvdcve-2.0-2023.json", base + "/nvd/nvdcve-2.0-2024.json")),
                new FeedUpdate.Feed("kev", List.of(base + "/kev/known_exploited_vulnerabilities.json.gz")),
                new FeedUpdate.Feed("epss", List.of(base + "/epss/epss_scores-current.csv")));
    }

    private Map<String, FeedUpdate.Status> run() {
        return new FeedUpdate(dir, Clock.systemUTC()).run(feeds()).stream().collect(Collectors.toMap(
                FeedUpdate.Outcome::kind, FeedUpdate.Outcome::status));
    }

    @Test
    void shouldImportEveryFeedThenOnlyWhatChangedWithConditionalRequests() {
        assertThat(run()).containsOnly(Map.entry("tracker", FeedUpdate.Status.IMPORTED),
                Map.entry("osv", FeedUpdate.Status.IMPORTED), Map.entry("nvd", FeedUpdate.Status.IMPORTED),
                Map.entry("kev", FeedUpdate.Status.IMPORTED), Map.entry("epss", FeedUpdate.Status.IMPORTED));
        assertThat(full.get()).isEqualTo(6);
        assertThat(VulnDb.open(dir).info().skipped()).isEqualTo(1);
        assertThat(OsvDb.open(dir).info().advisories()).isEqualTo(2);
        IntelDb intel = IntelDb.open(dir);
        assertThat(intel.feeds()).containsOnlyKeys(IntelDb.Feed.NVD, IntelDb.Feed.KEV, IntelDb.Feed.EPSS);
        assertThat(intel.get("CVE-2024-3094").orElseThrow().cvssScore()).isEqualTo(10.0);

        assertThat(run().values()).containsOnly(FeedUpdate.Status.NOT_MODIFIED);
        assertThat(notModified.get()).isEqualTo(6);
        assertThat(full.get()).isEqualTo(6);

        files.put("/epss/epss_scores-current.csv", ("cve,epss,percentile\nCVE-2024-3094,0.9134,0.9991\n").getBytes(StandardCharsets.UTF_8));
        Map<String, FeedUpdate.Status> third = run();
        assertThat(third).containsEntry("epss", FeedUpdate.Status.IMPORTED).containsEntry("nvd",
                FeedUpdate.Status.NOT_MODIFIED).containsEntry("tracker", FeedUpdate.Status.NOT_MODIFIED);
        assertThat(IntelDb.open(dir).get("CVE-2024-3094").orElseThrow().epss()).isEqualTo(0.9134);
        assertThat(IntelDb.open(dir).get("CVE-1999-0016")).isEmpty();
    }

    @Test
    void shouldKeepAFeedsPreviousDataWhenItCannotBeFetchedAndUpdateTheOthers() throws Exception {
        run();
        failures.put("/kev/known_exploited_vulnerabilities.json.gz", 503);
        files.put("/tracker/data/json", "[\"not the tracker\"]".getBytes(StandardCharsets.UTF_8));
        List<FeedUpdate.Outcome> outcomes = new FeedUpdate(dir, Clock.systemUTC()).run(feeds());
        assertThat(outcomes).filteredOn(o -> o.status() == FeedUpdate.Status.FAILED).extracting(o -> o.kind() + ": "
                + o.detail()).containsExactlyInAnyOrder(
                "kev: " + feeds().get(3).urls().get(0) + " answered HTTP 503; the previous data stays",
                "tracker: Vulnerability feed " + feeds().get(0).urls().get(0) + ", record (top level): must be an object"
                        + " keyed by source package; nothing was imported and the previous database is unchanged");
        assertThat(IntelDb.open(dir).get("CVE-2023-4863").orElseThrow().kev()).isTrue();
        assertThat(VulnDb.open(dir).info().records()).isEqualTo(25);
        // a download whose import failed is not taken as current: the next update asks for it in full
        // and tries again, instead of hearing "not modified" and keeping stale data for good
        Map<String, FeedUpdate.Status> again = run();
        assertThat(again).containsEntry("tracker", FeedUpdate.Status.FAILED);
        files.put("/tracker/data/json", real("tracker-osv-slice.json"));
        assertThat(run()).containsEntry("tracker", FeedUpdate.Status.IMPORTED);
        assertThat(VulnDb.open(dir).info().records()).isEqualTo(15);
    }

    @Test
    void shouldReadAFeedsFileAndNameWhatIsWrongInIt() throws IOException {
        Path file = dir.resolve("feeds.yaml");
        Files.writeString(file, "feeds:\n  kev: https://example.org/kev.json\n  nvd:\n    - https://example.org/a.json.gz\n"
                + "    - https://example.org/b.json.gz\n");
        assertThat(FeedUpdate.read(file)).containsExactly(new FeedUpdate.Feed("kev", List.of(
                "https://example.org/kev.json")), new FeedUpdate.Feed("nvd", List.of("https://example.org/a.json.gz",
                "https://example.org/b.json.gz")));
        Files.writeString(file, "feeds:\n  ghsa: https://example.org/x\n");
        assertThatThrownBy(() -> FeedUpdate.read(file)).hasMessage("Feeds file " + file + ": unknown feed 'ghsa'; the"
                + " kinds are tracker, osv, nvd, kev, epss");
        Files.writeString(file, "feeds:\n  kev: file:///etc/passwd\n");
        assertThatThrownBy(() -> FeedUpdate.read(file)).hasMessage("Feeds file " + file + ", feed kev:"
                + " 'file:///etc/passwd' is not an http(s) URL");
        assertThat(FeedUpdate.defaults(Instant.parse("2026-12-06T00:00:00Z"))).extracting(
                FeedUpdate.Feed::kind).containsExactly("tracker", "osv", "nvd", "kev", "epss");
    }
}
