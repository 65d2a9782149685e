package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.admission.KubernetesNamespaces;
import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The inventory read from the Kubernetes API: pods, replicasets, deployments, statefulsets,
 * daemonsets, jobs, cronjobs and namespaces of every namespace, listed in pages of 500
 * ({@code limit}/{@code continue}), each page at most 64 MiB. Needs {@code list} on those
 * resources. The API server is the one given ({@code --kube-api}, with a token file and CA), the
 * cluster the process runs in (its service account), or the current context of a kubeconfig
 * (server, CA, bearer token). A list that fails fails the whole read: a partial inventory would
 * resolve the findings of the workloads it missed.
 */
public final class KubernetesInventory {
    private static final int MAX_PAGE_BYTES = 64 << 20;
    private static final List<String> LISTS = List.of("/api/v1/namespaces", "/api/v1/pods", "/apis/apps/v1/replicasets",
            "/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets", "/apis/apps/v1/daemonsets", "/apis/batch/v1/jobs",
            "/apis/batch/v1/cronjobs");
    private static final ObjectMapper JSON = Json.mapper();

    private final URI api;
    private final Path tokenFile;
    private final String token;
    private final HttpClient http;

    /**
     * @param api       the API server; plain http only on loopback
     * @param tokenFile a bearer token file (re-read on every read: projected tokens rotate), or null
     * @param token     a bearer token, or null
     * @param caPem     the CA (PEM) the API server's certificate chains to, or null for the JDK's
     */
    public KubernetesInventory(URI api, Path tokenFile, String token, String caPem, String caSource) {
        String host = api.getHost();
        boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
        if (!"https".equals(api.getScheme()) && !("http".equals(api.getScheme()) && loopback)) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Kubernetes API " + api + " must be https (plain"
                    + " http only on loopback)");
        }
        this.api = api;
        this.tokenFile = tokenFile;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (caPem != null) {
            b.sslContext(WebhookCertificates.trusting(caPem, caSource));
        }
        this.http = b.build();
    }

    /**
     * The API server to read: {@code api} when given (with {@code tokenFile} and {@code caFile}),
     * else the cluster this process runs in, else the current context of {@code kubeconfig} (or
     * $KUBECONFIG, or ~/.kube/config); empty when there is none.
     */
    public static Optional<KubernetesInventory> locate(URI api, Path tokenFile, Path caFile, Path kubeconfig,
            Map<String, String> env) {
        if (api != null) {
            return Optional.of(new KubernetesInventory(api, tokenFile, null, caFile == null ? null : read(caFile,
                    "--kube-ca"), String.valueOf(caFile)));
        }
        String host = env.get("KUBERNETES_SERVICE_HOST");
        Path sa = KubernetesNamespaces.SERVICE_ACCOUNT;
        if (host != null && !host.isEmpty() && Files.isReadable(sa.resolve("token"))) {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return Optional.of(new KubernetesInventory(URI.create("https://" + h + ":"
                    + env.getOrDefault("KUBERNETES_SERVICE_PORT", "443")), sa.resolve("token"), null,
                    read(sa.resolve("ca.crt"), "the service account CA"), sa.resolve("ca.crt").toString()));
        }
        Path config = kubeconfig != null ? kubeconfig : env.containsKey("KUBECONFIG")
                ? Path.of(env.get("KUBECONFIG").split(":")[0])
                : env.containsKey("HOME") ? Path.of(env.get("HOME"), ".kube", "config") : null;
        if (config == null || !Files.isRegularFile(config)) {
            return Optional.empty();
        }
        return Optional.of(fromKubeconfig(config));
    }

    /** The current context of a kubeconfig: its cluster's server and CA, its user's bearer token. */
    static KubernetesInventory fromKubeconfig(Path file) {
        JsonNode root;
        try {
            root = Json.yaml().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "kubeconfig " + file + " is not valid YAML: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        String current = root.path("current-context").asText("");
        JsonNode context = named(root.path("contexts"), current).path("context");
        if (current.isEmpty() || context.isMissingNode()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "kubeconfig " + file + " has no current context;"
                    + " run `kubectl config use-context NAME`, or pass --kube-api URL");
        }
        JsonNode cluster = named(root.path("clusters"), context.path("cluster").asText("")).path("cluster");
        JsonNode user = named(root.path("users"), context.path("user").asText("")).path("user");
        String server = cluster.path("server").asText("");
        if (server.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "kubeconfig " + file + ": context " + current
                    + " names no cluster with a server");
        }
        String ca = null;
        if (cluster.hasNonNull("certificate-authority-data")) {
            ca = new String(Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText()),
                    StandardCharsets.UTF_8);
        } else if (cluster.hasNonNull("certificate-authority")) {
            ca = read(Path.of(cluster.path("certificate-authority").asText()), "the kubeconfig's certificate-authority");
        }
        String token = user.hasNonNull("token") ? user.path("token").asText() : null;
        Path tokenFile = user.hasNonNull("tokenFile") ? Path.of(user.path("tokenFile").asText()) : null;
        if (token == null && tokenFile == null && (user.has("client-certificate-data") || user.has("client-certificate")
                || user.has("exec") || user.has("auth-provider"))) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "kubeconfig " + file + ": user "
                    + context.path("user").asText() + " authenticates with a client certificate or a credential plugin,"
                    + " which Trustplane does not use; give it a token (--kube-api URL --kube-token-file F), or pass"
                    + " `kubectl get … -o json` output with --inventory");
        }
        return new KubernetesInventory(URI.create(server), tokenFile, token, ca, file + " certificate-authority");
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText("").equals(name)) {
                return n;
            }
        }
        return MissingNode.getInstance();
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    public URI api() {
        return api;
    }

    /** Every object of every list; throws naming the list when one cannot be read completely. */
    public Inventory read() {
        return Inventory.of(list(new String[1]), "the Kubernetes API " + api, Instant.now());
    }

    /**
     * Every object of every list, each with its kind; {@code podsVersion[0]} receives the pod
     * list's resourceVersion (where a watch of pods starts).
     */
    List<JsonNode> list(String[] podsVersion) {
        List<JsonNode> objects = new ArrayList<>();
        for (String path : LISTS) {
            String kind = kindOf(path);
            String[] version = new String[1];
            for (JsonNode item : items(path, version)) {
                // list items carry no kind and apiVersion; the inventory needs them
                ((ObjectNode) item).put("kind", kind);
                objects.add(item);
            }
            if (kind.equals("Pod")) {
                podsVersion[0] = version[0];
            }
        }
        return objects;
    }

    /**
     * Every item of the collection at {@code path}, read in pages of 500; {@code version[0]}
     * receives the list's resourceVersion (where a watch starts). A collection the API server does
     * not serve (a CRD not installed) throws with {@link ErrorKind#NOT_FOUND}.
     */
    public List<JsonNode> items(String path, String[] version) {
        List<JsonNode> items = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = get(path + (path.contains("?") ? "&" : "?") + "limit=500" + (next == null ? "" : "&continue="
                    + URLEncoder.encode(next, StandardCharsets.UTF_8)));
            for (JsonNode item : page.path("items")) {
                if (item.isObject()) {
                    items.add(item);
                }
            }
            next = page.path("metadata").path("continue").asText("");
            next = next.isEmpty() ? null : next;
            version[0] = page.path("metadata").path("resourceVersion").asText("");
        } while (next != null);
        return items;
    }

    /** Watches pods from {@code resourceVersion} on: {@link KubernetesWatch#watch} of {@code /api/v1/pods}. */
    String watchPods(String resourceVersion, Consumer<JsonNode> events, Consumer<WebSocket> opened) {
        return KubernetesWatch.watch(this, "/api/v1/pods", resourceVersion, events, opened);
    }

    HttpClient http() {
        return http;
    }

    /** The bearer token (re-read from its file each time: kubelet rotates it), or null. */
    String bearer() {
        return tokenFile != null ? read(tokenFile, "the Kubernetes token file").strip() : token;
    }

    private static String kindOf(String path) {
        String plural = path.substring(path.lastIndexOf('/') + 1);
        return switch (plural) {
            case "namespaces" -> "Namespace";
            case "pods" -> "Pod";
            case "replicasets" -> "ReplicaSet";
            case "deployments" -> "Deployment";
            case "statefulsets" -> "StatefulSet";
            case "daemonsets" -> "DaemonSet";
            case "jobs" -> "Job";
            case "cronjobs" -> "CronJob";
            default -> throw new IllegalArgumentException(plural);
        };
    }

    /**
     * Writes a namespaced object (a PolicyReport) at {@code collection}/NAME: created when missing,
     * replaced otherwise (with the resourceVersion it has). Needs get, create and update on it.
     */
    public void apply(String collection, ObjectNode object) {
        String namespace = object.path("metadata").path("namespace").asText();
        String name = object.path("metadata").path("name").asText();
        String base = collection.replace("{namespace}", URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        String path = base + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        HttpResponse<byte[]> existing = send("GET", path, null);
        if (existing.statusCode() == 404) {
            expect(send("POST", base, object), path, 201, 200);
            return;
        }
        expect(existing, path, 200);
        try {
            String version = JSON.readTree(existing.body()).path("metadata").path("resourceVersion").asText("");
            ObjectNode copy = object.deepCopy();
            if (!version.isEmpty()) {
                ((ObjectNode) copy.path("metadata")).put("resourceVersion", version);
            }
            expect(send("PUT", path, copy), path, 200);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The Kubernetes API sent an unreadable " + path);
        }
    }

    /** The object NAME in {@code collection} of {@code namespace}, or null when there is none. */
    public JsonNode read(String collection, String namespace, String name) {
        String path = collection.replace("{namespace}", URLEncoder.encode(namespace, StandardCharsets.UTF_8)) + "/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = send("GET", path, null);
        if (r.statusCode() == 404) {
            return null;
        }
        expect(r, path, 200);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The Kubernetes API sent an unreadable " + path);
        }
    }

    /** Creates {@code object} in {@code collection}; false when it exists already (409). */
    public boolean create(String collection, ObjectNode object) {
        String base = collection.replace("{namespace}", URLEncoder.encode(object.path("metadata").path("namespace")
                .asText(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = send("POST", base, object);
        if (r.statusCode() == 409) {
            return false;
        }
        expect(r, base, 201, 200);
        return true;
    }

    /**
     * Replaces {@code object} (which carries the resourceVersion it was read at); false when someone
     * changed it since (409).
     */
    public boolean replace(String collection, ObjectNode object) {
        return replace(collection, object, "");
    }

    /** {@link #replace(String, ObjectNode)} of the object's {@code status} subresource. */
    public boolean replaceStatus(String collection, ObjectNode object) {
        return replace(collection, object, "/status");
    }

    private boolean replace(String collection, ObjectNode object, String subresource) {
        String path = collection.replace("{namespace}", URLEncoder.encode(object.path("metadata").path("namespace")
                .asText(), StandardCharsets.UTF_8)) + "/" + URLEncoder.encode(object.path("metadata").path("name")
                .asText(), StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = send("PUT", path, object);
        if (r.statusCode() == 409) {
            return false;
        }
        expect(r, path, 200);
        return true;
    }

    private HttpResponse<byte[]> send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        String bearer = tokenFile != null ? read(tokenFile, "the Kubernetes token file").strip() : token;
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "The Kubernetes API " + api + " did not answer "
                    + method + " " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "interrupted while writing " + path);
        }
    }

    private void expect(HttpResponse<byte[]> response, String path, int... ok) {
        for (int code : ok) {
            if (response.statusCode() == code) {
                return;
            }
        }
        throw new TrustplaneException(response.statusCode() == 401 || response.statusCode() == 403
                ? ErrorKind.UNAUTHORIZED : ErrorKind.REMOTE_ERROR, "The Kubernetes API " + api + " answered "
                + response.statusCode() + " for " + path + (response.statusCode() == 403 ? " (Trustplane needs get,"
                + " create and update on it)" : ""));
    }

    private JsonNode get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        String bearer = token;
        if (tokenFile != null) {
            bearer = read(tokenFile, "the Kubernetes token file").strip();
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "The Kubernetes API " + api + " did not answer " + path
                    + ": " + e.getMessage() + "; nothing read from it was used (nothing recorded was changed)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "interrupted while listing " + path);
        }
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(MAX_PAGE_BYTES + 1);
            if (response.statusCode() != 200) {
                throw new TrustplaneException(response.statusCode() == 401 || response.statusCode() == 403
                        ? ErrorKind.UNAUTHORIZED : response.statusCode() == 404 ? ErrorKind.NOT_FOUND
                        : ErrorKind.REMOTE_ERROR, "The Kubernetes API " + api + " answered "
                        + response.statusCode() + " to " + path + (response.statusCode() == 403 ? " (Trustplane needs"
                        + " list on it: deploy/base/rbac.yaml grants what each feature reads)" : ""));
            }
            if (body.length > MAX_PAGE_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "The Kubernetes API sent a page of " + path
                        + " larger than " + MAX_PAGE_BYTES + " bytes");
            }
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The Kubernetes API sent an unreadable " + path + ": "
                    + e.getMessage());
        }
    }
}
