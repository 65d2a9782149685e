package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Plain HTTP(S) GETs against a Debian archive, with retries on connection failures and 5xx.
 * Integrity comes from the signed InRelease, not from the transport (as with apt).
 */
final class ArchiveHttp {
    private static final int ATTEMPTS = 3;
    private HttpClient client;

    /** Created on first use: building an HttpClient costs ~150 ms that warm builds never need. */
    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(15))
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return client;
    }

    /** Reads a small document completely, refusing more than {@code max} bytes. */
    byte[] get(URI uri, long max) {
        return withRetries(uri, in -> {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (data.length > max) {
                throw new LimitExceededException("archive document size", max, uri.toString());
            }
            return data;
        });
    }

    /** A conditional GET's answer: {@code body} null when the server said 304 Not Modified. */
    record Conditional(byte[] body, String etag, String lastModified) {
    }

    /**
     * A GET with {@code If-None-Match} / {@code If-Modified-Since} from the previous answer: a
     * mirror that has not changed answers 304 without a body, so a poll costs one round trip.
     */
    Conditional getIfChanged(URI uri, long max, String etag, String lastModified) {
        return send(uri, request -> {
            if (etag != null) {
                request.header("If-None-Match", etag);
            }
            if (lastModified != null) {
                request.header("If-Modified-Since", lastModified);
            }
        }, (status, response, body) -> {
            if (status == 304) {
                return new Conditional(null, etag, lastModified);
            }
            byte[] data = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (data.length > max) {
                throw new LimitExceededException("archive document size", max, uri.toString());
            }
            return new Conditional(data, response.headers().firstValue("ETag").orElse(null),
                    response.headers().firstValue("Last-Modified").orElse(null));
        });
    }

    interface BodyHandler<T> {
        T handle(InputStream body) throws IOException;
    }

    /** What to do with a 200 (or 304) answer. */
    private interface Answer<T> {
        T handle(int status, HttpResponse<InputStream> response, InputStream body) throws IOException;
    }

    <T> T withRetries(URI uri, BodyHandler<T> handler) {
        return send(uri, request -> { }, (status, response, body) -> handler.handle(body));
    }

    /**
     * One GET with retries on connection failures and 5xx (250 ms × attempt², three attempts);
     * 200 and 304 go to {@code answer}, 404 and 410 are NOT_FOUND, other 4xx a remote error.
     */
    private <T> T send(URI uri, Consumer<HttpRequest.Builder> headers, Answer<T> answer) {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                        .header("User-Agent", "trustplane").GET();
                headers.accept(request);
                HttpResponse<InputStream> response = client().send(request.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                try (InputStream body = response.body()) {
                    if (status == 200 || status == 304) {
                        return answer.handle(status, response, body);
                    }
                    if (status == 404 || status == 410) {
                        throw new TrustplaneException(ErrorKind.NOT_FOUND, "Debian archive has no " + uri
                                + " (HTTP " + status + "); check the archive URL, suite and component in the image"
                                + " spec, or re-lock if the package was superseded");
                    }
                    if (status < 500) {
                        throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "Debian archive answered HTTP "
                                + status + " for " + uri);
                    }
                    last = new IOException("HTTP " + status);
                }
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while fetching " + uri, e);
            }
            try {
                Thread.sleep(250L * attempt * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new TrustplaneException(ErrorKind.UNREACHABLE, "Cannot fetch " + uri + " after " + ATTEMPTS
                + " attempts (" + last + "); check the network or the archive URL in the image spec", last);
    }
}
