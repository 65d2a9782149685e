package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** Watches of the Kubernetes API over WebSockets: pods for the informer, policies for {@code serve --policies k8s}. */
public final class KubernetesWatch {
    private static final int MAX_EVENT_BYTES = 64 << 20;
    private static final ObjectMapper JSON = Json.mapper();

    private KubernetesWatch() {
    }

    /**
     * Watches the collection at {@code collection} from {@code resourceVersion} on over a WebSocket (the API server serves
     * {@code watch=true} both as a chunked stream and over WebSockets), handing each event
     * ({@code type}, {@code object}) to {@code events} until the server closes the watch or it
     * fails; returns the last resourceVersion seen. Throws {@link WatchExpired} when the server no
     * longer has that version (410: list again). {@code opened} receives the socket, so the caller
     * can abort it.
     */
    public static String watch(KubernetesInventory api, String collection, String resourceVersion, Consumer<JsonNode> events,
            Consumer<WebSocket> opened) {
        String path = collection + "?watch=true" + (resourceVersion == null || resourceVersion.isEmpty() ? ""
                : "&resourceVersion=" + URLEncoder.encode(resourceVersion, StandardCharsets.UTF_8));
        URI uri = URI.create(api.api().toString().replaceFirst("^http", "ws")).resolve(path);
        String[] last = {resourceVersion};
        CompletableFuture<Void> done = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean complete) {
                message.append(data);
                if (message.length() > MAX_EVENT_BYTES) {
                    done.completeExceptionally(new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "a watch event of " + collection + " is"
                            + " larger than " + MAX_EVENT_BYTES + " bytes"));
                    socket.abort();
                    return null;
                }
                if (complete) {
                    String text = message.toString();
                    message.setLength(0);
                    try {
                        handle(text, events, last);
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                        socket.abort();
                        return null;
                    }
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                done.complete(null);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                done.completeExceptionally(error);
            }
        };
        WebSocket.Builder builder = api.http().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        String bearer = api.bearer();
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        try {
            opened.accept(builder.buildAsync(uri, listener).join());
            done.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException h && h.getResponse().statusCode() == 410) {
                throw new WatchExpired();
            }
            if (cause instanceof WatchExpired || cause instanceof TrustplaneException) {
                throw (RuntimeException) cause;
            }
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "The watch of " + collection + " on " + api.api() + " failed: "
                    + (cause instanceof WebSocketHandshakeException h ? "answered " + h.getResponse().statusCode()
                    + (h.getResponse().statusCode() == 403 ? " (Trustplane needs watch on it)" : "")
                    : String.valueOf(cause)));
        }
        return last[0];
    }

    private static void handle(String text, Consumer<JsonNode> events, String[] last) {
        JsonNode event;
        try {
            event = JSON.readTree(text);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The Kubernetes API sent an unreadable watch event: "
                    + e.getMessage());
        }
        String type = event.path("type").asText("");
        if (type.equals("ERROR")) {
            if (event.path("object").path("code").asInt() == 410) {
                throw new WatchExpired();
            }
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "A watch failed: "
                    + event.path("object").path("message").asText());
        }
        String version = event.path("object").path("metadata").path("resourceVersion").asText("");
        if (!version.isEmpty()) {
            last[0] = version;
        }
        if (!type.equals("BOOKMARK")) {
            events.accept(event);
        }
    }

    /** The API server no longer has the resourceVersion a watch asked for: list again. */
    public static final class WatchExpired extends RuntimeException {
        WatchExpired() {
            super("the watch's resourceVersion expired (410)", null, false, false);
        }
    }
}
