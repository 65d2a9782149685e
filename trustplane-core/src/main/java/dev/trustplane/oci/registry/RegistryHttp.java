package dev.trustplane.oci.registry;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.event.EventListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Sends registry requests: picks the scheme, answers authentication challenges, follows
 * redirects (dropping credentials when the host changes) and retries transient failures. Every
 * endpoint class goes through {@link #send}.
 */
final class RegistryHttp {
    private static final int MAX_REDIRECTS = 5;

    static {
        // HttpURLConnection keeps at most http.maxConnections (default 5) idle connections per
        // host; the webhook and parallel copies run more requests than that at once, and every
        // connection over the limit was closed after use and opened again for the next request.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "32");
        }
    }

    /**
     * A request body that can be sent again when {@code replayable}; {@code file} when it is a
     * whole file, {@code content} when it is bytes in memory (both go through HttpURLConnection).
     */
    record Body(Supplier<HttpRequest.BodyPublisher> publisher, boolean replayable, Path file,
            byte[] content) {
        static final Body NONE = new Body(HttpRequest.BodyPublishers::noBody, true, null, null);

        Body(Supplier<HttpRequest.BodyPublisher> publisher, boolean replayable) {
            this(publisher, replayable, null, null);
        }

        static Body bytes(byte[] content) {
            return new Body(() -> HttpRequest.BodyPublishers.ofByteArray(content), true, null, content);
        }

        static Body file(Path file, Supplier<HttpRequest.BodyPublisher> publisher) {
            return new Body(publisher, true, file, null);
        }

        /** Whether HttpURLConnection can send it: no body, a file or bytes (not a one-shot stream). */
        boolean simple() {
            return this == NONE || file != null || content != null;
        }
    }

    record Request(String method, URI uri, Map<String, String> headers, Body body) {
    }

    private final Lazy<HttpClient> client;
    private final Lazy<HttpClient> insecureTlsClient;
    private final UrlConnectionTransport urlConnection;
    private final Authenticator authenticator;
    private final Set<String> insecure;
    private final RetryPolicy retry;
    private final EventListener listener;
    private final Duration timeout;
    private final Deadline deadline;
    private final Map<String, String> schemes = new ConcurrentHashMap<>();

    RegistryHttp(Lazy<HttpClient> client, Lazy<HttpClient> insecureTlsClient, CredentialProvider credentials,
            Set<String> insecure,
            RetryPolicy retry, EventListener listener, Duration timeout, Deadline deadline) {
        this.client = client;
        this.insecureTlsClient = insecureTlsClient;
        this.urlConnection = new UrlConnectionTransport(insecure.isEmpty() ? null : InsecureTls.context());
        this.authenticator = new Authenticator(credentials);
        this.insecure = Set.copyOf(insecure);
        this.retry = retry;
        this.listener = listener;
        this.timeout = timeout;
        this.deadline = deadline;
    }

    /**
     * {@code https://host/v2/} + path. Loopback registries are reached over plain HTTP (as local
     * test and mirror registries serve it); registries marked insecure try TLS first and fall
     * back to plain HTTP when the TLS handshake fails.
     */
    URI uri(Call call, String path) {
        String scheme = schemes.computeIfAbsent(call.registry(), r -> isLoopback(r) ? "http" : "https");
        return URI.create(scheme + "://" + apiHost(call.registry()) + "/v2/" + path);
    }

    /** Resolves a {@code Location} header against the registry's base URI. */
    URI location(Call call, HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> RegistryErrors.protocol(call,
                response.statusCode(), "the answer has no Location header"));
        return uri(call, "").resolve(location);
    }

    HttpResponse<InputStream> send(Call call, String method, String path, Map<String, String> headers, Body body) {
        return send(call, method, () -> uri(call, path), headers, body);
    }

    HttpResponse<InputStream> send(Call call, String method, URI uri, Map<String, String> headers, Body body) {
        return send(call, method, () -> currentScheme(call, uri), headers, body);
    }

    /** A URI made before the registry was found to speak plain HTTP gets the scheme now known. */
    private URI currentScheme(Call call, URI uri) {
        String scheme = schemes.get(call.registry());
        if (scheme == null || scheme.equals(uri.getScheme())
                || !uri.getRawAuthority().equalsIgnoreCase(apiHost(call.registry()))) {
            return uri;
        }
        return URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
    }

    private HttpResponse<InputStream> send(Call call, String method, Supplier<URI> uri, Map<String, String> headers,
            Body body) {
        boolean switchedToPlain = false;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> response;
            URI target = uri.get();
            if (deadline.passed()) {
                throw RegistryErrors.deadline(call, deadline.total());
            }
            try {
                response = exchange(call, new Request(method, target, headers, body));
            } catch (SSLException e) {
                if (allowsPlainHttp(call.registry()) && "https".equals(target.getScheme()) && !switchedToPlain) {
                    switchedToPlain = true;
                    if (schemes.put(call.registry(), "http") == null) {
                        listener.debug("registry " + call.registry() + " speaks no TLS; using plain HTTP");
                    }
                    attempt--;
                    continue;
                }
                throw RegistryErrors.tls(call, e);
            } catch (IOException e) {
                if (deadline.passed()) {
                    throw RegistryErrors.deadline(call, deadline.total());
                }
                if (!body.replayable() || attempt >= retry.maxAttempts()) {
                    throw RegistryErrors.unreachable(call, e, attempt);
                }
                if (deadline.endsBefore(retry.backoff(attempt))) {
                    throw RegistryErrors.deadline(call, deadline.total());
                }
                listener.debug("registry " + call.registry() + " " + RegistryErrors.describe(e) + " while trying to "
                        + call.operation() + "; retrying (attempt " + (attempt + 1) + " of " + retry.maxAttempts()
                        + ")");
                sleep(retry.backoff(attempt));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(ErrorKind.UNREACHABLE, call.registry(), 0, null,
                        "Interrupted while trying to " + call.operation(), e);
            }
            int status = response.statusCode();
            boolean idempotentRead = method.equals("GET") || method.equals("HEAD");
            if ((RetryPolicy.retriableStatus(status) || (status == 500 && idempotentRead)) && body.replayable()
                    && attempt < retry.maxAttempts()) {
                Duration wait = retryAfter(response).orElse(retry.backoff(attempt));
                if (deadline.endsBefore(wait)) {
                    RegistryErrors.drain(response);
                    throw RegistryErrors.deadline(call, deadline.total());
                }
                if (wait.compareTo(retry.maxRetryAfter()) > 0) {
                    throw RegistryErrors.fromResponse(call, response, " and asked to retry after "
                            + wait.toSeconds() + "s, longer than the " + retry.maxRetryAfter().toSeconds()
                            + "s Trustplane waits", sentCredentials(call));
                }
                RegistryErrors.drain(response);
                listener.warn("registry " + call.registry() + " answered " + status + " to " + call.operation()
                        + "; retrying in " + wait.toMillis() + " ms (attempt " + (attempt + 1) + " of "
                        + retry.maxAttempts() + ")");
                sleep(wait);
                continue;
            }
            return deadline.guard(response, call.registry());
        }
    }

    private HttpResponse<InputStream> exchange(Call call, Request request) throws IOException, InterruptedException {
        Optional<String> header = authenticator.cachedHeader(call);
        HttpResponse<InputStream> response = sendFollowingRedirects(call, request, header.orElse(null));
        if (response.statusCode() != 401) {
            return response;
        }
        Optional<Challenge> challenge = pickChallenge(response.headers().allValues("WWW-Authenticate"));
        if (challenge.isEmpty()) {
            return response;
        }
        Optional<String> answer = authenticator.answer(call, challenge.get(), clientFor(call.registry()),
                deadline.cap(timeout));
        if (answer.isEmpty() || answer.equals(header)) {
            return response;
        }
        RegistryErrors.drain(response);
        return sendFollowingRedirects(call, request, answer.get());
    }

    boolean sentCredentials(Call call) {
        return authenticator.hasCredentials(call.registry());
    }

    /** The error for an answer the caller did not expect. */
    RegistryException fail(Call call, HttpResponse<InputStream> response) {
        return RegistryErrors.fromResponse(call, response, "", sentCredentials(call));
    }

    private HttpResponse<InputStream> sendFollowingRedirects(Call call, Request request, String authorization)
            throws IOException, InterruptedException {
        URI uri = request.uri();
        String auth = authorization;
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response;
            if (!request.method().equals("PATCH") && request.body().simple()) {
                response = urlConnection.send(request.method(), uri, request.headers(), auth, deadline.cap(timeout),
                        insecure.contains(call.registry()), request.body().file(), request.body().content());
            } else {
                response = sendWithClient(call, request, uri, auth);
            }
            int status = response.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect || !(request.method().equals("GET") || request.method().equals("HEAD"))
                    || hop >= MAX_REDIRECTS || response.headers().firstValue("Location").isEmpty()) {
                return response;
            }
            RegistryErrors.drain(response);
            URI next = uri.resolve(response.headers().firstValue("Location").get());
            if (!next.getHost().equalsIgnoreCase(uri.getHost()) || next.getPort() != uri.getPort()) {
                auth = null;
            }
            uri = next;
        }
    }

    private HttpResponse<InputStream> sendWithClient(Call call, Request request, URI uri, String auth)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(deadline.cap(timeout))
                .method(request.method(), request.body().publisher().get());
        request.headers().forEach(b::header);
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return clientFor(call.registry()).send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpClient clientFor(String registry) {
        return (insecure.contains(registry) ? insecureTlsClient : client).get();
    }

    boolean allowsPlainHttp(String registry) {
        return insecure.contains(registry) || isLoopback(registry);
    }

    static boolean isLoopback(String registry) {
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.contains(":") ? registry.substring(0, registry.indexOf(':')) : registry;
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    private static String apiHost(String registry) {
        return registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    }

    private static Optional<Challenge> pickChallenge(List<String> headers) {
        Challenge basic = null;
        for (String h : headers) {
            Challenge c = Challenge.parse(h);
            if (c.isBearer()) {
                return Optional.of(c);
            }
            basic = basic == null ? c : basic;
        }
        return Optional.ofNullable(basic);
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> value = response.headers().firstValue("Retry-After");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(v,
                        DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(Instant.now(), when.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException ignored) {
                return Optional.empty();
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(ErrorKind.UNREACHABLE, "", 0, null, "Interrupted while waiting to retry", e);
        }
    }
}
