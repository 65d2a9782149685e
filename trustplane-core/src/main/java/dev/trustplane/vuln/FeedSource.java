package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Where a feed is read from: a JSON file (plain or {@code .gz}), a directory holding one, a
 * {@code .tar.gz} holding one (read as a stream, never extracted), or an http(s) URL. Everything
 * read is bounded in size.
 */
public final class FeedSource {
    static final long MAX_FEED = 2L << 30;

    /** An open feed: its stream, a name for messages, and when it was taken. */
    public record Opened(InputStream stream, String name, Instant takenAt) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    private FeedSource() {
    }

    /** Opens {@code location}; {@code takenAt} overrides the time the source reports (file or Last-Modified). */
    public static Opened open(String location, Instant takenAt) {
        try {
            if (location.startsWith("http://") || location.startsWith("https://")) {
                return url(location, takenAt);
            }
            Path path = Path.of(location);
            if (Files.isDirectory(path)) {
                List<Path> feeds;
                try (var files = Files.list(path)) {
                    feeds = files.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz"))
                            .sorted().toList();
                }
                if (feeds.size() != 1) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Directory " + path + " holds "
                            + feeds.size() + " feed files (*.json, *.json.gz); give the file itself");
                }
                path = feeds.get(0);
            }
            Instant time = takenAt != null ? takenAt : Files.getLastModifiedTime(path).toInstant();
            InputStream raw = bounded(new BufferedInputStream(Files.newInputStream(path), 1 << 16), path.toString());
            String name = path.toString();
            if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
                return new Opened(tarMember(new GZIPInputStream(raw, 1 << 16), name), name, time);
            }
            return new Opened(name.endsWith(".gz") ? bounded(new GZIPInputStream(raw, 1 << 16), name) : raw, name,
                    time);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Vulnerability feed " + location + " does not exist",
                    e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read vulnerability feed " + location + ": " + e, e);
        }
    }

    private static InputStream tarMember(InputStream in, String name) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            if (e.isFile() && e.getName().endsWith(".json")) {
                return bounded(tar, name + "!" + e.getName());
            }
        }
        throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Archive " + name + " holds no *.json feed file");
    }

    private static Opened url(String location, Instant takenAt) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(location).toURL().openConnection();
        c.setConnectTimeout(15_000);
        c.setReadTimeout(60_000);
        c.setRequestProperty("User-Agent", "trustplane");
        int status;
        try {
            status = c.getResponseCode();
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Cannot fetch vulnerability feed " + location + ": "
                    + e.getMessage() + "; download it where it is reachable and import the file", e);
        }
        if (status != 200) {
            throw new TrustplaneException(status == 404 ? ErrorKind.NOT_FOUND : ErrorKind.REMOTE_ERROR,
                    "Vulnerability feed " + location + " answered HTTP " + status);
        }
        Instant time = takenAt != null ? takenAt
                : c.getLastModified() > 0 ? Instant.ofEpochMilli(c.getLastModified()) : Instant.now();
        InputStream raw = bounded(new BufferedInputStream(c.getInputStream(), 1 << 16), location);
        boolean gzip = location.endsWith(".gz") || "gzip".equalsIgnoreCase(c.getContentEncoding());
        return new Opened(gzip ? bounded(new GZIPInputStream(raw, 1 << 16), location) : raw, location, time);
    }

    /** Fails when more than {@link #MAX_FEED} bytes come out of {@code in}. */
    private static InputStream bounded(InputStream in, String name) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0 && ++count > MAX_FEED) {
                    throw new LimitExceededException("vulnerability feed size", MAX_FEED, name);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int r = super.read(b, off, len);
                if (r > 0 && (count += r) > MAX_FEED) {
                    throw new LimitExceededException("vulnerability feed size", MAX_FEED, name);
                }
                return r;
            }
        };
    }
}
