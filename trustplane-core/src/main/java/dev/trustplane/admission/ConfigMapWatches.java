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
 * waits for the API server again. When a watch ends or cannot open (the server closes it, an error,
 * no {@code watch} permission), the value read stays in use for {@link #RETRY} and is then read —
 * and watched — again, so a cluster that refuses watches costs one GET per ConfigMap per interval,
 * not a GET and a failed watch per request.
 */
final class ConfigMapWatches {
    private static final int MAX_WATCHES = 256;
    private static final int MAX_EVENT_BYTES = 2 << 20;
    static final Duration RETRY = Duration.ofSeconds(10);

    /** A value read, kept current by a watch while {@code until} is unset; else good until then. */
    private static final class Entry {
        final AtomicReference<Optional<JsonNode>> value;
        volatile long until = Long.MAX_VALUE;

        Entry(Optional<JsonNode> first) {
            this.value = new AtomicReference<>(first);
        }

        boolean fresh() {
            return until == Long.MAX_VALUE || System.nanoTime() - until < 0;
        }

        /** The watch ended: the value read stays good for {@link #RETRY}. */
        void unwatched() {
            if (until == Long.MAX_VALUE) {
                until = System.nanoTime() + RETRY.toNanos();
            }
        }
    }

    private final URI api;
    private final HttpClient http;
    private final Supplier<String> bearer;
    private final Map<String, Entry> current = new ConcurrentHashMap<>();

    ConfigMapWatches(URI api, HttpClient http, Supplier<String> bearer) {
        this.api = api;
        this.http = http;
        this.bearer = bearer;
    }

    /** The ConfigMap, or null when it does not exist; {@code read} GETs it when it is not watched yet. */
    JsonNode get(String namespace, String name, Supplier<Optional<JsonNode>> read) {
        String key = namespace + "/" + name;
        Entry known = current.get(key);
        if (known != null && known.fresh()) {
            return known.value.get().orElse(null);
        }
        Optional<JsonNode> first = read.get();
        Entry entry = new Entry(first);
        if (current.size() < MAX_WATCHES || known != null) {
            current.put(key, entry);
            watch(namespace, name, first.map(c -> c.path("metadata").path("resourceVersion").asText("")).orElse(""),
                    entry);
        }
        return first.orElse(null);
    }

    /** How many ConfigMaps are watched now. */
    int watching() {
        return (int) current.values().stream().filter(e -> e.until == Long.MAX_VALUE).count();
    }

    private void watch(String namespace, String name, String version, Entry entry) {
        AtomicReference<Optional<JsonNode>> ref = entry.value;
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
                entry.unwatched();
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                entry.unwatched();
            }

            private void end(WebSocket socket) {
                entry.unwatched();
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
                entry.unwatched(); // no watch: the value read serves for RETRY, then it is read again
            }
        });
    }
}
