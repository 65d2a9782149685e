package dev.trustplane.oci.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The overall time one operation (a CLI run) may spend on registries, on top of the per-request
 * timeout: each request's timeouts are cut to what is left, retries do not start past it, and a
 * response body is refused from the first read after it — a registry trickling one byte a second
 * cannot hold a command for longer. {@link #NONE} never passes (the server's clients).
 */
final class Deadline {
    static final Deadline NONE = new Deadline(null);

    private final Duration total;
    private final long at;

    private Deadline(Duration total) {
        this.total = total;
        this.at = total == null ? 0 : System.nanoTime() + total.toNanos();
    }

    /** A deadline {@code total} from now; zero or null means none. */
    static Deadline in(Duration total) {
        return total == null || total.isZero() || total.isNegative() ? NONE : new Deadline(total);
    }

    boolean none() {
        return total == null;
    }

    Duration total() {
        return total;
    }

    boolean passed() {
        return total != null && System.nanoTime() - at >= 0;
    }

    /** What is left of it, at least 1 ms (a 0 ms socket timeout would mean no timeout at all). */
    Duration left() {
        return Duration.ofNanos(Math.max(1_000_000, at - System.nanoTime()));
    }

    /** {@code timeout}, or what is left of the deadline when that is shorter. */
    Duration cap(Duration timeout) {
        if (total == null) {
            return timeout;
        }
        Duration left = left();
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    /** Whether waiting {@code wait} would end past the deadline. */
    boolean endsBefore(Duration wait) {
        return total != null && at - System.nanoTime() < wait.toNanos();
    }

    static String describe(Duration d) {
        long s = d.toSeconds();
        return s >= 60 && s % 60 == 0 ? s / 60 + "m" : s >= 60 ? s / 60 + "m" + s % 60 + "s"
                : s > 0 ? s + "s" : d.toMillis() + "ms";
    }

    /** The response with a body that fails its first read after the deadline. */
    HttpResponse<InputStream> guard(HttpResponse<InputStream> response, String registry) {
        if (total == null) {
            return response;
        }
        InputStream body = new FilterInputStream(response.body()) {
            private void check() throws IOException {
                if (passed()) {
                    throw new Exceeded("the deadline of " + describe(total) + " passed while reading the answer of"
                            + " registry " + registry + " (raise --deadline, 0 for none, or try again)");
                }
            }

            @Override
            public int read() throws IOException {
                check();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                check();
                return super.read(b, off, len);
            }

            @Override
            public long skip(long n) throws IOException {
                check();
                return super.skip(n);
            }
        };
        return new Guarded(response, body);
    }

    /** A body read after the deadline; a timeout to every reader (its message names the deadline). */
    static final class Exceeded extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        Exceeded(String message) {
            super(message);
        }
    }

    private record Guarded(HttpResponse<InputStream> response, InputStream body) implements HttpResponse<InputStream> {
        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public HttpRequest request() {
            return response.request();
        }

        @Override
        public Optional<HttpResponse<InputStream>> previousResponse() {
            return response.previousResponse();
        }

        @Override
        public HttpHeaders headers() {
            return response.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return response.sslSession();
        }

        @Override
        public URI uri() {
            return response.uri();
        }

        @Override
        public HttpClient.Version version() {
            return response.version();
        }
    }
}
