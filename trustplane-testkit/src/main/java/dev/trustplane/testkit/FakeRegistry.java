package dev.trustplane.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process distribution-API server for what the real registry here cannot show: Bearer
 * token authentication, the referrers API, tag pagination, 429 with Retry-After, corrupt blobs,
 * downloads cut off midway, a tag PUT lost to a concurrent writer.
 * Everything is in memory; it serves plain HTTP on a random loopback port.
 */
public final class FakeRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Stored(String mediaType, byte[] bytes) {
    }

    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Stored>> manifests = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> tokenScopes = new CopyOnWriteArrayList<>();
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private volatile int faultStatus;
    private volatile String faultRetryAfter;
    private volatile String faultCode;
    private volatile boolean referrersApi;
    private volatile boolean corruptBlobs;
    private volatile boolean cutBlobs;
    private volatile String bearerUser;
    private volatile String bearerPassword;
    private volatile boolean bearer;
    private volatile int tagPageSize = Integer.MAX_VALUE;
    private final Map<String, String> issuedTokens = new ConcurrentHashMap<>();
    /** "repository:tag" → the manifest another writer puts right after the next PUT of that tag. */
    private final Map<String, Stored> overwrites = new ConcurrentHashMap<>();

    private FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public static FakeRegistry start() {
        try {
            return new FakeRegistry();
        } catch (IOException e) {
            throw new AssertionError("cannot start the fake registry", e);
        }
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeRegistry withReferrersApi() {
        referrersApi = true;
        return this;
    }

    /** Requires Bearer tokens from {@code /token}; the token service requires these Basic credentials (null: anonymous). */
    public FakeRegistry withBearerAuth(String user, String password) {
        bearer = true;
        bearerUser = user;
        bearerPassword = password;
        return this;
    }

    public FakeRegistry withTagPageSize(int size) {
        tagPageSize = size;
        return this;
    }

    /** The next {@code count} requests to /v2/ answer {@code status}, with a Retry-After header when given. */
    public void failNext(int count, int status, String retryAfter) {
        failNext(count, status, retryAfter, status == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE");
    }

    /** Like {@link #failNext(int, int, String)} with the distribution error {@code code} in the body. */
    public void failNext(int count, int status, String retryAfter, String code) {
        faultStatus = status;
        faultRetryAfter = retryAfter;
        faultCode = code;
        faultsLeft.set(count);
    }

    /** Blob GETs return content with one byte changed. */
    /** Blob downloads announce their full length, send half of it, and then the connection is dropped. */
    public void cutBlobs(boolean value) {
        cutBlobs = value;
    }

    public void corruptBlobs(boolean value) {
        corruptBlobs = value;
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    public List<String> tokenScopes() {
        return List.copyOf(tokenScopes);
    }

    /**
     * Makes the next PUT of {@code repository:tag} lose its update: it is answered 201 as usual,
     * but the tag then holds {@code replacement}, as when another writer that read the tag before
     * that PUT lands its own write right after it (what the distribution API cannot prevent).
     */
    public void loseNextPut(String repository, String tag, String mediaType, byte[] replacement) {
        overwrites.put(repository + ":" + tag, new Stored(mediaType, replacement));
    }

    /** The manifest {@code repository:tag} holds now, or null. */
    public byte[] manifest(String repository, String tag) {
        Stored s = manifests.getOrDefault(repository, Map.of()).get(tag);
        return s == null ? null : s.bytes();
    }

    public void putBlob(byte[] content) {
        blobs.put(digest(content), content);
    }

    /** Stores a minimal image (an amd64/linux config, no layers) under {@code tag}; returns its manifest's bytes. */
    public byte[] putImage(String repository, String tag) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        putBlob(config);
        String type = "application/vnd.oci.image.manifest.v1+json";
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + type + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config) + "\",\"size\":"
                + config.length + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        putManifest(repository, tag, type, manifest);
        return manifest;
    }

    /** Stores a manifest under its digest and, when {@code tag} is not null, the tag. Returns the digest. */
    public String putManifest(String repository, String tag, String mediaType, byte[] bytes) {
        String digest = digest(bytes);
        Map<String, Stored> repo = manifests.computeIfAbsent(repository, r -> new ConcurrentHashMap<>());
        repo.put(digest, new Stored(mediaType, bytes));
        if (tag != null) {
            repo.put(tag, new Stored(mediaType, bytes));
        }
        return digest;
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        requests.add(method + " " + path + (query == null ? "" : "?" + query));
        try (ex) {
            if (path.equals("/token")) {
                token(ex, query);
                return;
            }
            if (faultsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                if (faultRetryAfter != null) {
                    ex.getResponseHeaders().add("Retry-After", faultRetryAfter);
                }
                error(ex, faultStatus, faultCode, "injected fault");
                return;
            }
            if (bearer && !authorized(ex)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host()
                        + "/token\",service=\"fake-registry\",scope=\"" + scopeFor(path) + "\"");
                error(ex, 401, "UNAUTHORIZED", "authentication required");
                return;
            }
            route(ex, method, path, query == null ? Map.of() : params(query));
        }
    }

    private void route(HttpExchange ex, String method, String path, Map<String, String> q) throws IOException {
        if (path.equals("/v2/") || path.equals("/v2")) {
            send(ex, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), method);
            return;
        }
        String rest = path.substring("/v2/".length());
        int m;
        if ((m = rest.lastIndexOf("/blobs/uploads")) > 0) {
            upload(ex, method, rest.substring(0, m), rest.substring(m + "/blobs/uploads".length()), q);
        } else if ((m = rest.lastIndexOf("/blobs/")) > 0) {
            byte[] content = blobs.get(rest.substring(m + 7));
            if (content == null) {
                error(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry");
                return;
            }
            byte[] served = content;
            if (corruptBlobs && content.length > 0) {
                served = content.clone();
                served[0] ^= 1;
            }
            ex.getResponseHeaders().add("Docker-Content-Digest", rest.substring(m + 7));
            if (cutBlobs && method.equals("GET") && served.length > 1) {
                ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, served.length);
                ex.getResponseBody().write(served, 0, served.length / 2);
                ex.getResponseBody().flush();
                throw new IOException("the fake registry drops the connection mid-blob"); // the server closes it
            }
            send(ex, 200, "application/octet-stream", served, method);
        } else if ((m = rest.lastIndexOf("/manifests/")) > 0) {
            manifest(ex, method, rest.substring(0, m), rest.substring(m + 11));
        } else if (rest.endsWith("/tags/list")) {
            tags(ex, rest.substring(0, rest.length() - "/tags/list".length()), q);
        } else if ((m = rest.lastIndexOf("/referrers/")) > 0 && referrersApi) {
            referrers(ex, rest.substring(0, m), rest.substring(m + 11), q.get("artifactType"));
        } else {
            error(ex, 404, "NAME_UNKNOWN", "no route for " + path);
        }
    }

    private void upload(HttpExchange ex, String method, String repo, String suffix, Map<String, String> q)
            throws IOException {
        if (method.equals("POST") && (suffix.isEmpty() || suffix.equals("/"))) {
            String mount = q.get("mount");
            if (mount != null && blobs.containsKey(mount)) {
                ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/" + mount);
                send(ex, 201, null, new byte[0], method);
                return;
            }
            String id = UUID.randomUUID().toString();
            uploads.put(id, new ByteArrayOutputStream());
            ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/uploads/" + id);
            send(ex, 202, null, new byte[0], method);
            return;
        }
        String id = suffix.startsWith("/") ? suffix.substring(1) : suffix;
        ByteArrayOutputStream buffer = uploads.get(id);
        if (buffer == null) {
            error(ex, 404, "BLOB_UPLOAD_UNKNOWN", "upload unknown");
            return;
        }
        buffer.write(ex.getRequestBody().readAllBytes());
        if (method.equals("PATCH")) {
            ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/uploads/" + id);
            ex.getResponseHeaders().add("Range", "0-" + (buffer.size() - 1));
            send(ex, 202, null, new byte[0], method);
            return;
        }
        byte[] content = buffer.toByteArray();
        String digest = q.get("digest");
        if (!digest(content).equals(digest)) {
            error(ex, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
            return;
        }
        uploads.remove(id);
        blobs.put(digest, content);
        ex.getResponseHeaders().add("Docker-Content-Digest", digest);
        ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/" + digest);
        send(ex, 201, null, new byte[0], method);
    }

    private void manifest(HttpExchange ex, String method, String repo, String ref) throws IOException {
        Map<String, Stored> stored = manifests.computeIfAbsent(repo, r -> new ConcurrentHashMap<>());
        switch (method) {
            case "PUT" -> {
                byte[] bytes = ex.getRequestBody().readAllBytes();
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                String digest = putManifest(repo, ref.startsWith("sha256:") ? null : ref, type, bytes);
                Stored concurrent = overwrites.remove(repo + ":" + ref);
                if (concurrent != null) {
                    putManifest(repo, ref, concurrent.mediaType(), concurrent.bytes());
                }
                JsonNode subject = JSON.readTree(bytes).get("subject");
                if (subject != null && referrersApi) {
                    ex.getResponseHeaders().add("OCI-Subject", subject.path("digest").asText());
                }
                ex.getResponseHeaders().add("Docker-Content-Digest", digest);
                send(ex, 201, null, new byte[0], method);
            }
            case "DELETE" -> {
                if (stored.remove(ref) == null) {
                    error(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown");
                } else {
                    send(ex, 202, null, new byte[0], method);
                }
            }
            default -> {
                Stored s = stored.get(ref);
                if (s == null) {
                    error(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown");
                    return;
                }
                ex.getResponseHeaders().add("Docker-Content-Digest", digest(s.bytes()));
                send(ex, 200, s.mediaType(), s.bytes(), method);
            }
        }
    }

    private void tags(HttpExchange ex, String repo, Map<String, String> q) throws IOException {
        TreeMap<String, Boolean> all = new TreeMap<>();
        manifests.getOrDefault(repo, Map.of()).keySet().stream().filter(k -> !k.startsWith("sha256:"))
                .forEach(t -> all.put(t, true));
        if (all.isEmpty() && !manifests.containsKey(repo)) {
            error(ex, 404, "NAME_UNKNOWN", "repository name not known to registry");
            return;
        }
        int n = Math.min(tagPageSize, Integer.parseInt(q.getOrDefault("n", String.valueOf(Integer.MAX_VALUE))));
        String last = q.get("last");
        List<String> page = new ArrayList<>();
        for (String t : last == null ? all.keySet() : all.tailMap(last, false).keySet()) {
            if (page.size() == n) {
                break;
            }
            page.add(t);
        }
        if (!page.isEmpty() && all.higherKey(page.get(page.size() - 1)) != null) {
            ex.getResponseHeaders().add("Link", "</v2/" + repo + "/tags/list?n=" + n + "&last="
                    + page.get(page.size() - 1) + ">; rel=\"next\"");
        }
        ObjectNode body = JSON.createObjectNode().put("name", repo);
        ArrayNode tags = body.putArray("tags");
        page.forEach(tags::add);
        send(ex, 200, "application/json", JSON.writeValueAsBytes(body), "GET");
    }

    private void referrers(HttpExchange ex, String repo, String subject, String artifactType) throws IOException {
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode list = index.putArray("manifests");
        Map<String, Stored> byDigest = new LinkedHashMap<>();
        manifests.getOrDefault(repo, Map.of()).forEach((k, v) -> {
            if (k.startsWith("sha256:")) {
                byDigest.put(k, v);
            }
        });
        for (Map.Entry<String, Stored> e : byDigest.entrySet()) {
            JsonNode m = JSON.readTree(e.getValue().bytes());
            if (!subject.equals(m.path("subject").path("digest").asText())) {
                continue;
            }
            String type = m.has("artifactType") ? m.get("artifactType").asText()
                    : m.path("config").path("mediaType").asText();
            if (artifactType != null && !artifactType.equals(type)) {
                continue;
            }
            ObjectNode d = list.addObject().put("mediaType", e.getValue().mediaType()).put("digest", e.getKey())
                    .put("size", e.getValue().bytes().length).put("artifactType", type);
            if (m.has("annotations")) {
                d.set("annotations", m.get("annotations"));
            }
        }
        if (artifactType != null) {
            ex.getResponseHeaders().add("OCI-Filters-Applied", "artifactType");
        }
        send(ex, 200, "application/vnd.oci.image.index.v1+json", JSON.writeValueAsBytes(index), "GET");
    }

    private void token(HttpExchange ex, String query) throws IOException {
        Map<String, String> q = query == null ? Map.of() : params(query);
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("scope=")) {
                    tokenScopes.add(URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8));
                }
            }
        }
        if (bearerUser != null) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((bearerUser + ":" + bearerPassword)
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                error(ex, 401, "UNAUTHORIZED", "bad credentials");
                return;
            }
        }
        String token = UUID.randomUUID().toString();
        issuedTokens.put(token, q.getOrDefault("service", ""));
        send(ex, 200, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode().put("token", token)
                .put("expires_in", 300)), "GET");
    }

    private boolean authorized(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") && issuedTokens.containsKey(header.substring(7));
    }

    private static String scopeFor(String path) {
        String rest = path.length() > 4 ? path.substring(4) : "";
        for (String marker : List.of("/blobs/", "/manifests/", "/tags/", "/referrers/")) {
            int i = rest.indexOf(marker);
            if (i > 0) {
                return "repository:" + rest.substring(0, i) + ":pull";
            }
        }
        return "";
    }

    private static Map<String, String> params(String query) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                map.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return map;
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message);
        send(ex, status, "application/json", JSON.writeValueAsBytes(body), ex.getRequestMethod());
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, String method) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().add("Content-Type", type);
        }
        if (method.equals("HEAD")) {
            ex.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    public static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
