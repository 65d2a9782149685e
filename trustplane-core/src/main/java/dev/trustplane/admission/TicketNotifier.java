package dev.trustplane.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Posts a newly opened rejection ticket as JSON to a configured URL (a chat or issue-tracker
 * webhook). Asynchronous and best effort: a failed post is reported, never retried into the
 * admission path; the ticket itself is in the store either way.
 */
public final class TicketNotifier {
    private static final ObjectMapper JSON = Json.mapper();
    private final URI url;
    private final HttpClient http;
    private final EventListener listener;

    public TicketNotifier(URI url, EventListener listener) {
        if (!url.getScheme().equals("https") && !url.getScheme().equals("http")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                    "Ticket webhook " + url + " is not an http(s) URL");
        }
        this.url = url;
        this.listener = listener;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    void post(LedgerEntry e, AdmissionLedger ledger) {
        ObjectNode body = JSON.createObjectNode();
        body.put("ticket", AdmissionLedger.ticketKey(e.image(), e.policy()));
        body.put("status", "open");
        body.put("image", e.image());
        body.put("digest", e.digest());
        body.put("policy", e.policy());
        body.put("rule", e.rule());
        body.put("namespace", e.namespace());
        body.put("kind", e.kind());
        body.put("name", e.name());
        body.put("message", e.message());
        body.put("openedAt", Instant.ofEpochMilli(e.decidedAtMillis()).toString());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
            if (t != null) {
                listener.warn("ticket webhook " + url.getHost() + ": could not post the ticket for " + e.image() + ": " + t);
            } else if (r.statusCode() / 100 != 2) {
                listener.warn("ticket webhook " + url.getHost() + " answered " + r.statusCode() + " to the ticket for "
                        + e.image());
            } else {
                markPosted(ledger, body.get("ticket").asText());
            }
        });
    }

    private static void markPosted(AdmissionLedger ledger, String key) {
        try (var c = ledger.store().connect(); var s = c.prepareStatement(
                "UPDATE admission_tickets SET last_posted_ms = ? WHERE ticket_key = ?")) {
            s.setLong(1, System.currentTimeMillis());
            s.setString(2, key);
            s.executeUpdate();
        } catch (SQLException | RuntimeException ignored) {
            // the post happened; the mark is informational
        }
    }
}
