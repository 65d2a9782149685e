package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedSourceTest {
    private static final String FEED = "{\"zlib\": {\"CVE-1\": {\"releases\": {\"bookworm\": {\"status\": \"open\","
            + " \"urgency\": \"low\"}}}}}";
    private static final Instant TAKEN = Instant.parse("2026-11-20T00:00:00Z");

    @TempDir
    Path dir;

    private static String read(FeedSource.Opened feed) throws IOException {
        try (InputStream in = feed.stream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadAGzipFileADirectoryAndATarGzMember() throws IOException {
        Files.write(dir.resolve("tracker.json.gz"), gzip(FEED.getBytes(StandardCharsets.UTF_8)));
        assertThat(read(FeedSource.open(dir.resolve("tracker.json.gz").toString(), TAKEN))).isEqualTo(FEED);
        assertThat(read(FeedSource.open(dir.toString(), TAKEN))).isEqualTo(FEED);

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
            byte[] data = FEED.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry readme = new TarArchiveEntry("feed/README");
            readme.setSize(2);
            t.putArchiveEntry(readme);
            t.write("hi".getBytes(StandardCharsets.UTF_8));
            t.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry("feed/tracker.json");
            e.setSize(data.length);
            t.putArchiveEntry(e);
            t.write(data);
            t.closeArchiveEntry();
        }
        Path archive = dir.resolve("sub/feed.tar.gz");
        Files.createDirectories(archive.getParent());
        Files.write(archive, gzip(tar.toByteArray()));
        FeedSource.Opened opened = FeedSource.open(archive.toString(), null);
        assertThat(read(opened)).isEqualTo(FEED);
        assertThat(opened.takenAt()).isEqualTo(Files.getLastModifiedTime(archive).toInstant());
    }

    @Test
    void shouldFetchAUrlAndNameWhatIsMissing() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/tracker.json", ex -> {
            byte[] body = FEED.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Last-Modified", "Fri, 20 Nov 2026 00:00:00 GMT");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            FeedSource.Opened opened = FeedSource.open(base + "/tracker.json", null);
            assertThat(read(opened)).isEqualTo(FEED);
            assertThat(opened.takenAt()).isEqualTo(TAKEN);
            assertThatThrownBy(() -> FeedSource.open(base + "/missing.json", null))
                    .hasMessage("Vulnerability feed " + base + "/missing.json answered HTTP 404");
        } finally {
            server.stop(0);
        }
        assertThatThrownBy(() -> FeedSource.open(dir.resolve("none.json").toString(), null))
                .hasMessage("Vulnerability feed " + dir.resolve("none.json") + " does not exist");
    }
}
