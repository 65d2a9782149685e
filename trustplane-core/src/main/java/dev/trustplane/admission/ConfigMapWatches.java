package dev.trustplane.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.io.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The ConfigMaps rules' context entries read, each kept current by a watch of the API server once
 * it has been read (a WebSocket {@code watch=true} on that one ConfigMap, from the version read):
 * an edit is in force as soon as the API server reports it, without polling, and a request never
 * waits for the API server again. When a watch ends (the server closes it, an error, a deleted
 * namespace), the ConfigMap is read again by the next request and watched again.
 */
final class ConfigMapWatches {
    private static final int MAX_WATCHES = 256;
    private static final int MAX_EVENT_BYTES = 2 << 20;

    private final URI api;
    private final HttpClient http;
    private final Supplier<String> bearer;
    private final Map<String, AtomicReference<Optional<JsonNode>>> current = new ConcurrentHashMap<>();

    ConfigMapWatches(URI api, HttpClient http, Supplier<String> bearer) {
        this.api = api;
        this.http = http;
        this.bearer = bearer;
    }

    /** The ConfigMap, or null when it does not exist; {@code read} GETs it when it is not watched yet. */
    JsonNode get(String namespace, String name, Supplier<Optional<JsonNode>> read) {
        String key = namespace + "/" + name;
        AtomicReference<Optional<JsonNode>> watched = current.get(key);
        if (watched != null) {
            return watched.get().orElse(null);
        }
        Optional<JsonNode> first = read.get();
        if (current.size() < MAX_WATCHES) {
            AtomicReference<Optional<JsonNode>> ref = new AtomicReference<>(first);
            if (current.putIfAbsent(key, ref) == null) {
                watch(namespace, name, first.map(c -> c.path("metadata").path("resourceVersion").asText("")).orElse(""),
                        key, ref);
            }
        }
        return first.orElse(null);
    }

    /** How many ConfigMaps are watched now. */
    int watching() {
        return current.size();
    }

    private void watch(String namespace, String name, String version, String key,
            AtomicReference<Optional<JsonNode>> ref) {
        String path = "/api/v1/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                + "/configmaps?watch=true&fieldSelector=" + URLEncoder.encode("metadata.name=" + name,
                StandardCharsets.UTF_8) + (version.isEmpty() ? "" : "&resourceVersion="
                + URLEncoder.encode(version, StandardCharsets.UTF_8));
        URI uri = URI.create(api.toString().replaceFirst("^http", "ws")).resolve(path);
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                message.append(data);
                if (message.length() > MAX_EVENT_BYTES) {
                    end(socket);
                    return null;
                }
                if (last) {
                    String text = message.toString();
                    message.setLength(0);
                    if (!apply(text)) {
                        end(socket);
                        return null;
                    }
                }
                socket.request(1);
                return null;
            }

            /** Applies one event; false when the watch must end (an ERROR event, an unreadable one). */
            private boolean apply(String text) {
                JsonNode event;
                try {
                    event = Json.mapper().readTree(text);
                } catch (Exception e) {
                    return false;
                }
                String type = event.path("type").asText("");
                JsonNode object = event.path("object");
                if (type.equals("ERROR")) {
                    return false;
                }
                if (!object.path("metadata").path("name").asText().equals(name)) {
                    return true; // a server that ignored the field selector
                }
                switch (type) {
                    case "ADDED", "MODIFIED" -> ref.set(Optional.of(object));
                    case "DELETED" -> ref.set(Optional.empty());
                    default -> {
                    }
                }
                return true;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                current.remove(key, ref);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                current.remove(key, ref);
            }

            private void end(WebSocket socket) {
                current.remove(key, ref);
                socket.abort();
            }
        };
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3));
        String token = bearer.get();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        builder.buildAsync(uri, listener).whenComplete((socket, error) -> {
            if (error != null) {
                current.remove(key, ref); // no watch: the next request reads it again
            }
        });
    }
}
