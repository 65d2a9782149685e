package dev.trustplane.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * JSON over HTTP for the sinks: bounded answers (1 MiB), timeouts, one attempt (the outbox
 * retries). Errors name the sink, the method and the status, never a header (tokens stay out).
 */
final class SinkHttp {
    private static final ObjectMapper JSON = Json.mapper();
    private static final int MAX_ANSWER = 1 << 20;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String sink;
    private final Map<String, String> headers;

    SinkHttp(String sink, Map<String, String> headers) {
        this.sink = sink;
        this.headers = Map.copyOf(headers);
    }

    JsonNode send(String method, URI uri, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json").header("User-Agent", "trustplane");
            headers.forEach(request::header);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] answer;
            try (InputStream in = response.body()) {
                answer = in.readNBytes(MAX_ANSWER + 1);
            }
            if (response.statusCode() / 100 != 2) {
                String text = new String(answer, 0, Math.min(answer.length, 200), StandardCharsets.UTF_8)
                        .replaceAll("\\s+", " ");
                throw new TrustplaneException(response.statusCode() == 401 || response.statusCode() == 403
                        ? ErrorKind.UNAUTHORIZED : ErrorKind.REMOTE_ERROR, "ticket sink " + sink + " answered "
                        + response.statusCode() + " to " + method + " " + uri.getPath() + (text.isBlank() ? ""
                        : ": " + text));
            }
            if (answer.length > MAX_ANSWER) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "ticket sink " + sink + " answered more than 1 MiB to "
                        + method + " " + uri.getPath());
            }
            return answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "ticket sink " + sink + " could not be reached ("
                    + method + " " + uri.getPath() + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "interrupted while calling ticket sink " + sink, e);
        }
    }
}
