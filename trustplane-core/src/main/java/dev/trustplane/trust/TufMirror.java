package dev.trustplane.trust;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where TUF metadata and targets are read from: a directory (a mirror copied for an air-gapped
 * cluster) or an HTTP(S) base URL. Every read is bounded; a missing file is empty, not an error
 * (the root rotation loop ends on it).
 */
public sealed interface TufMirror {

    /** {@code path} under the mirror (e.g. {@code 2.root.json}, {@code targets/H.trusted_root.json}), at most {@code max} bytes. */
    Optional<byte[]> fetch(String path, long max);

    /** A directory (no scheme) or an http/https URL. */
    static TufMirror of(String spec) {
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            return new Http(URI.create(spec.endsWith("/") ? spec : spec + "/"));
        }
        if (spec.contains("://")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--mirror " + spec + ": only a directory or an"
                    + " http(s) URL can be a TUF mirror");
        }
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "--mirror " + spec + " is not a directory; give a copy"
                    + " of the TUF repository (its N.root.json, timestamp.json, … and targets/) or its URL");
        }
        return new Directory(dir);
    }

    /** A local copy of the repository. */
    record Directory(Path dir) implements TufMirror {
        @Override
        public Optional<byte[]> fetch(String path, long max) {
            Path file = dir.resolve(path).normalize();
            if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(file)) {
                return Optional.of(bounded(in, max, file.toString()));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return dir.toString();
        }
    }

    /** A repository served over HTTP(S); 404 means absent. */
    record Http(URI base) implements TufMirror {
        private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();

        @Override
        public Optional<byte[]> fetch(String path, long max) {
            URI uri = base.resolve(path);
            try {
                HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    if (r.statusCode() == 404 || r.statusCode() == 403) {
                        return Optional.empty();
                    }
                    if (r.statusCode() != 200) {
                        throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The TUF mirror answered " + r.statusCode()
                                + " for " + uri);
                    }
                    return Optional.of(bounded(in, max, uri.toString()));
                }
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.UNREACHABLE, "The TUF mirror " + base + " cannot be reached: "
                        + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while reading " + uri, e);
            }
        }

        @Override
        public String toString() {
            return base.toString();
        }
    }

    private static byte[] bounded(InputStream in, long max, String what) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (bytes.length > max) {
            throw new LimitExceededException("TUF file size", max, what);
        }
        return bytes;
    }
}
