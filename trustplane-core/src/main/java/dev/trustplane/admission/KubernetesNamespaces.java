package dev.trustplane.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.policy.ContextSource;
import dev.trustplane.policy.ResultCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The labels of a namespace, read from the Kubernetes API ({@code GET /api/v1/namespaces/NAME})
 * for rules with {@code namespaceSelector}, cached for a short time. In a cluster it uses the
 * pod's service account (token re-read on every lookup, as projected tokens rotate) and the
 * cluster CA; the webhook needs {@code get} on {@code namespaces}. When the API cannot answer, the
 * labels are unknown (null) and such rules decide "error" — which Enforce denies — never "no match".
 */
public final class KubernetesNamespaces implements Function<String, Map<String, String>> {
    /** Where a pod finds its service account. */
    public static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final int MAX_BYTES = 4 << 20;
    private static final ObjectMapper JSON = Json.mapper();

    private final URI api;
    private final Path tokenFile;
    private final HttpClient http;
    private final EventListener listener;
    private final ResultCache<Optional<Map<String, String>>> cache;

    /**
     * @param api       the API server, e.g. {@code https://kubernetes.default.svc}; plain HTTP only on loopback
     * @param tokenFile a bearer token file, or null
     * @param caFile    the CA bundle (PEM) the API server's certificate chains to, or null for the JDK's
     */
    public KubernetesNamespaces(URI api, Path tokenFile, Path caFile, Duration ttl, EventListener listener) {
        if (!"https".equals(api.getScheme()) && !("http".equals(api.getScheme()) && loopback(api.getHost()))) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Kubernetes API " + api + " must be https"
                    + " (plain http only on loopback)");
        }
        this.api = api;
        this.tokenFile = tokenFile;
        this.listener = listener;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (caFile != null) {
            try {
                b.sslContext(WebhookCertificates.trusting(Files.readString(caFile), caFile.toString()));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read the Kubernetes CA " + caFile + ": " + e.getMessage());
            }
        }
        this.http = b.build();
        this.cache = new ResultCache<>(ttl, Duration.ofSeconds(2), 10_000);
    }

    /** The in-cluster API server from KUBERNETES_SERVICE_HOST/PORT and the service account, when running in a pod. */
    public static Optional<KubernetesNamespaces> inCluster(Map<String, String> env, Duration ttl, EventListener listener) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isEmpty() || !Files.isReadable(SERVICE_ACCOUNT.resolve("token"))) {
            return Optional.empty();
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        return Optional.of(new KubernetesNamespaces(URI.create("https://" + h + ":" + port), SERVICE_ACCOUNT.resolve("token"),
                SERVICE_ACCOUNT.resolve("ca.crt"), ttl, listener));
    }

    /**
     * Where namespace labels come from, first match wins: {@code file} (a YAML map of namespace to
     * labels), the API server {@code api} (with {@code tokenFile}/{@code caFile}), the cluster the
     * process runs in; null when none (namespaceSelector rules then decide "error").
     */
    public static Function<String, Map<String, String>> source(Path file, URI api, Path tokenFile, Path caFile,
            Map<String, String> env, EventListener listener) {
        if (file != null) {
            return fromFile(file)::get;
        }
        if (api != null) {
            return new KubernetesNamespaces(api, tokenFile, caFile, Duration.ofSeconds(30), listener);
        }
        return inCluster(env, Duration.ofSeconds(30), listener).orElse(null);
    }

    /** A YAML map of namespace names to label maps, as {@code --namespace-labels} takes it. */
    public static Map<String, Map<String, String>> fromFile(Path file) {
        try {
            JsonNode root = Json.yaml()
                    .readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--namespace-labels " + file
                        + " must be a YAML map of namespace names to label maps");
            }
            Map<String, Map<String, String>> out = new HashMap<>();
            root.fields().forEachRemaining(e -> {
                Map<String, String> l = new HashMap<>();
                e.getValue().fields().forEachRemaining(x -> l.put(x.getKey(), x.getValue().asText()));
                out.put(e.getKey(), l);
            });
            return out;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read --namespace-labels " + file + ": "
                    + e.getMessage());
        }
    }

    @Override
    public Map<String, String> apply(String namespace) {
        try {
            return cache.get(namespace, () -> lookup(namespace), Optional::isPresent).orElse(null);
        } catch (RuntimeException e) {
            listener.warn("namespace labels of " + namespace + " unknown: " + e.getMessage());
            return null;
        }
    }

    /**
     * The rules' {@code context} reads through the same API and service account: a ConfigMap
     * ({@code get} and {@code watch} on {@code configmaps}, 404 → absent; watched once read, so an
     * edit is in force when the API server reports it — {@link ConfigMapWatches}), an attestor's
     * key Secret ({@code get} on {@code secrets}; never logged) and read-only {@code GET}s of API
     * paths, those answers reused for {@code ttl}.
     */
    public ContextSource contextSource(Duration ttl) {
        ResultCache<Optional<JsonNode>> answers = new ResultCache<>(ttl, ttl, 10_000);
        ConfigMapWatches configMaps = new ConfigMapWatches(api, http, this::bearer);
        return new ContextSource() {
            @Override
            public JsonNode configMap(String namespace, String name) {
                String path = "/api/v1/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                        + "/configmaps/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
                return configMaps.get(namespace, name, () -> read(path, "configmaps"));
            }

            @Override
            public String home() {
                try {
                    Path ns = SERVICE_ACCOUNT.resolve("namespace");
                    return Files.isReadable(ns) ? Files.readString(ns).strip() : "trustplane";
                } catch (IOException e) {
                    return "trustplane";
                }
            }

            @Override
            public JsonNode secret(String namespace, String name) {
                String path = "/api/v1/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                        + "/secrets/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
                return answers.get(path, () -> read(path, "secrets"), x -> true).orElse(null);
            }

            @Override
            public JsonNode get(String urlPath) {
                if (!urlPath.startsWith("/") || urlPath.contains("..") || urlPath.contains("//")) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, "the API path " + urlPath
                            + " is not a plain path on the API server");
                }
                return answers.get(urlPath, () -> read(urlPath, "what it names"), x -> true)
                        .orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND, "GET " + urlPath
                                + " answered 404"));
            }
        };
    }

    private Optional<Map<String, String>> lookup(String namespace) {
        return read("/api/v1/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8), "namespaces")
                .map(ns -> {
                    Map<String, String> out = new HashMap<>();
                    ns.path("metadata").path("labels").fields()
                            .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
                    return out;
                });
    }

    /** The bearer token, re-read every time (projected tokens rotate); null without a token file. */
    private String bearer() {
        if (tokenFile == null) {
            return null;
        }
        try {
            return Files.readString(tokenFile).strip();
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "cannot read the service account token " + tokenFile);
        }
    }

    /** GET {@code path}: the object, empty on 404; throws when the API cannot answer. */
    private Optional<JsonNode> read(String path, String resource) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(3))
                .header("Accept", "application/json");
        String token = bearer();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "the Kubernetes API " + api + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "interrupted");
        }
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(MAX_BYTES + 1);
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "the Kubernetes API answered "
                        + response.statusCode() + " to GET " + path + (response.statusCode() == 403
                        ? " (the webhook's service account needs get on " + resource + ")" : ""));
            }
            if (body.length > MAX_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "the answer to GET " + path
                        + " is larger than " + MAX_BYTES + " bytes");
            }
            return Optional.of(JSON.readTree(body));
        } catch (IOException e) {
            // not the parser's message: it may quote the body, and a Secret's body must never reach a log
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "the Kubernetes API sent an unreadable answer to GET "
                    + path + " (not JSON)");
        }
    }

    private static boolean loopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }
}
