package dev.trustplane.feedback;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A generic webhook: every action is a JSON POST {@code {"action": "create|comment|close",
 * "ticket": {...}, "text": ...}}; the ticket's key is its reference.
 */
public final class WebhookSink implements TicketSink {
    private final URI url;
    private final SinkHttp http;

    public WebhookSink(URI url) {
        if (url.getScheme() == null || !url.getScheme().matches("https?")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink webhook:" + url + " is not an http(s)"
                    + " URL; write webhook:https://HOST/PATH");
        }
        this.url = url;
        this.http = new SinkHttp(name(), Map.of());
    }

    @Override
    public String name() {
        return "webhook:" + url.getScheme() + "://" + url.getAuthority() + url.getPath();
    }

    @Override
    public String create(Ticket ticket) {
        post("create", ticket, null);
        return ticket.key();
    }

    @Override
    public void comment(String ref, Ticket ticket, String text) {
        post("comment", ticket, text);
    }

    @Override
    public void close(String ref, Ticket ticket) {
        post("close", ticket, null);
    }

    private void post(String action, Ticket t, String text) {
        Map<String, Object> ticket = new LinkedHashMap<>();
        ticket.put("key", t.key());
        ticket.put("origin", t.origin().name().toLowerCase(Locale.ROOT));
        ticket.put("image", t.image());
        ticket.put("cause", t.cause());
        ticket.put("title", t.title());
        ticket.put("body", t.body());
        ticket.put("status", t.status().name().toLowerCase(Locale.ROOT));
        ticket.put("occurrences", t.occurrences());
        ticket.put("firstSeen", t.firstSeen().toString());
        ticket.put("lastSeen", t.lastSeen().toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", action);
        body.put("ticket", ticket);
        body.put("text", text);
        http.send("POST", url, body);
    }
}
