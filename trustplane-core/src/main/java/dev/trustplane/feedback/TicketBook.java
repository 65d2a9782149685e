package dev.trustplane.feedback;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Tickets and their outbox in the store (migration V4): {@link #sync} opens, counts, reopens
 * and resolves tickets and queues what each sink must hear; {@link #deliver} sends what is due,
 * in order per ticket and sink, and keeps a failed delivery with its error for a retry with
 * backoff (30 s, doubling, at most an hour). Nothing is lost while a sink is down.
 */
public final class TicketBook {
    static final Duration COMMENT_EVERY = Duration.ofHours(1);
    private final Store store;

    public TicketBook(Store store) {
        this.store = store;
    }

    /** A cause seen now: what a ticket is made from. */
    public record Cause(String key, Ticket.Origin origin, String image, String cause, String title, String body,
            long occurrences) {
    }

    /** A queued call to a sink; {@code deliveredAt} null while pending. */
    public record Delivery(String id, String ticketKey, String sink, String action, String text, Instant createdAt,
            int attempts, Instant nextAttempt, String lastError, Instant deliveredAt) {
    }

    /** What a sync changed. */
    public record Changes(int opened, int commented, int resolved) {
    }

    /**
     * Brings the tickets in line with {@code seen} (every cause of the origins in {@code complete}
     * that holds now): new causes open a ticket, repeats count (and comment at most hourly), a
     * cause seen again after it was resolved reopens it, and open tickets of a complete origin that
     * were not seen are resolved.
     */
    public Changes sync(List<Cause> seen, Set<Ticket.Origin> complete, List<String> sinks, Instant now) {
        int opened = 0;
        int commented = 0;
        int resolved = 0;
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try {
                Map<String, Ticket> existing = new HashMap<>();
                for (Ticket t : tickets(c)) {
                    existing.put(t.key(), t);
                }
                Set<String> seenKeys = new HashSet<>();
                for (Cause cause : seen) {
                    seenKeys.add(cause.key());
                    Ticket t = existing.get(cause.key());
                    if (t == null) {
                        insert(c, cause, now);
                        for (String sink : sinks) {
                            enqueue(c, cause.key(), sink, "create", null, now);
                        }
                        opened++;
                    } else if (t.status() == Ticket.Status.RESOLVED) {
                        update(c, cause, "open", null, now);
                        for (String sink : sinks) {
                            enqueue(c, cause.key(), sink, "comment", "Seen again after it was resolved: "
                                    + cause.title(), now);
                        }
                        commented++;
                    } else if (cause.occurrences() > t.occurrences()) {
                        update(c, cause, "open", null, now);
                        for (String sink : sinks) {
                            if (!commentedSince(c, cause.key(), sink, now.minus(COMMENT_EVERY))) {
                                enqueue(c, cause.key(), sink, "comment", "Seen again (" + cause.occurrences()
                                        + " times in all): " + firstLine(cause.body()), now);
                                commented++;
                            }
                        }
                    } else {
                        update(c, cause, "open", null, now);
                    }
                }
                for (Ticket t : existing.values()) {
                    if (t.status() == Ticket.Status.OPEN && complete.contains(t.origin())
                            && !seenKeys.contains(t.key())) {
                        try (PreparedStatement s = c.prepareStatement("UPDATE feedback_tickets SET status = 'resolved',"
                                + " resolved_at_ms = ? WHERE ticket_key = ?")) {
                            s.setLong(1, now.toEpochMilli());
                            s.setString(2, t.key());
                            s.executeUpdate();
                        }
                        for (String sink : sinks) {
                            enqueue(c, t.key(), sink, "close", null, now);
                        }
                        resolved++;
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("record the tickets", e);
        }
        return new Changes(opened, commented, resolved);
    }

    private static String firstLine(String body) {
        int nl = body.indexOf('\n');
        return nl < 0 ? body : body.substring(0, nl);
    }

    /**
     * Sends every due delivery; returns {delivered, failed}. A sink backs off as a whole: after a
     * failure nothing more is sent to it until the failed delivery is due again. Unknown sinks'
     * deliveries wait (for the sink to be configured again).
     */
    public int[] deliver(Map<String, TicketSink> sinks, Instant now) {
        int delivered = 0;
        int failed = 0;
        Set<String> blocked = new HashSet<>();
        Set<String> resting = new HashSet<>();
        Map<String, Ticket> tickets = new HashMap<>();
        tickets().forEach(t -> tickets.put(t.key(), t));
        List<Delivery> pending = pending();
        for (Delivery d : pending) {
            if (d.attempts() > 0 && d.nextAttempt().isAfter(now)) {
                resting.add(d.sink());
            }
        }
        for (Delivery d : pending) {
            String lane = d.ticketKey() + "\u0000" + d.sink();
            TicketSink sink = sinks.get(d.sink());
            Ticket ticket = tickets.get(d.ticketKey());
            if (sink == null || ticket == null || blocked.contains(lane) || resting.contains(d.sink())) {
                continue;
            }
            if (d.nextAttempt().isAfter(now)) {
                blocked.add(lane); // later deliveries of this lane wait for this one
                continue;
            }
            try {
                String ref = link(d.ticketKey(), d.sink());
                switch (d.action()) {
                    case "create" -> {
                        if (ref == null) {
                            link(d.ticketKey(), d.sink(), sink.create(ticket));
                        }
                    }
                    case "comment" -> {
                        if (ref == null) {
                            blocked.add(lane);
                            continue;
                        }
                        sink.comment(ref, ticket, d.text());
                    }
                    default -> {
                        if (ref == null) {
                            blocked.add(lane);
                            continue;
                        }
                        sink.close(ref, ticket);
                    }
                }
                mark(d, now, null);
                delivered++;
            } catch (TrustplaneException e) {
                mark(d, now, e.getMessage());
                resting.add(d.sink());
                failed++;
            }
        }
        return new int[] {delivered, failed};
    }

    private static Duration backoff(int attempts) {
        long seconds = 30L << Math.min(attempts - 1, 7);
        return Duration.ofSeconds(Math.min(seconds, 3600));
    }

    private void mark(Delivery d, Instant now, String error) {
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement(error == null
                ? "UPDATE feedback_deliveries SET attempts = attempts + 1, delivered_at_ms = ?, last_error = NULL"
                        + " WHERE id = ?"
                : "UPDATE feedback_deliveries SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ?"
                        + " WHERE id = ?")) {
            if (error == null) {
                s.setLong(1, now.toEpochMilli());
                s.setString(2, d.id());
            } else {
                s.setLong(1, now.plus(backoff(d.attempts() + 1)).toEpochMilli());
                s.setString(2, error.length() > 2000 ? error.substring(0, 2000) : error);
                s.setString(3, d.id());
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure("record a ticket delivery", e);
        }
    }

    private String link(String ticket, String sink) {
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT external_ref FROM feedback_links WHERE ticket_key = ? AND sink = ?")) {
            s.setString(1, ticket);
            s.setString(2, sink);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (SQLException e) {
            throw failure("read a ticket's link", e);
        }
    }

    private void link(String ticket, String sink, String ref) {
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO feedback_links (ticket_key, sink, external_ref) VALUES (?, ?, ?)")) {
            s.setString(1, ticket);
            s.setString(2, sink);
            s.setString(3, ref);
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure("record where a ticket lives", e);
        }
    }

    /** Where each ticket lives, per sink: ticket key → sink → reference. */
    public Map<String, Map<String, String>> links() {
        Map<String, Map<String, String>> out = new HashMap<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT ticket_key, sink, external_ref FROM feedback_links"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.computeIfAbsent(r.getString(1), k -> new HashMap<>()).put(r.getString(2), r.getString(3));
            }
        } catch (SQLException e) {
            throw failure("read the ticket links", e);
        }
        return out;
    }

    public List<Ticket> tickets() {
        try (Connection c = store.connect()) {
            return tickets(c);
        } catch (SQLException e) {
            throw failure("read the tickets", e);
        }
    }

    private static List<Ticket> tickets(Connection c) throws SQLException {
        List<Ticket> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT ticket_key, origin, image, cause, title, body, status,"
                + " occurrences, first_seen_ms, last_seen_ms, resolved_at_ms FROM feedback_tickets"
                + " ORDER BY first_seen_ms, ticket_key"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                long resolved = r.getLong(11);
                out.add(new Ticket(r.getString(1), Ticket.Origin.valueOf(r.getString(2)), r.getString(3),
                        r.getString(4), r.getString(5), r.getString(6), r.getString(7).equals("open")
                        ? Ticket.Status.OPEN : Ticket.Status.RESOLVED, r.getLong(8), Instant.ofEpochMilli(r.getLong(9)),
                        Instant.ofEpochMilli(r.getLong(10)), r.wasNull() ? null : Instant.ofEpochMilli(resolved)));
            }
        }
        return out;
    }

    /** Deliveries not made yet, oldest first, with their attempts and last error. */
    public List<Delivery> pending() {
        List<Delivery> out = new ArrayList<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT id, ticket_key, sink,"
                + " action, text, created_at_ms, attempts, next_attempt_ms, last_error FROM feedback_deliveries"
                + " WHERE delivered_at_ms IS NULL ORDER BY created_at_ms, id"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new Delivery(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        Instant.ofEpochMilli(r.getLong(6)), r.getInt(7), Instant.ofEpochMilli(r.getLong(8)),
                        r.getString(9), null));
            }
        } catch (SQLException e) {
            throw failure("read the ticket outbox", e);
        }
        return out;
    }

    private static void insert(Connection c, Cause cause, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO feedback_tickets (ticket_key, origin, image, cause,"
                + " title, body, status, occurrences, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, 'open', ?,"
                + " ?, ?)")) {
            s.setString(1, cause.key());
            s.setString(2, cause.origin().name());
            s.setString(3, cause.image());
            s.setString(4, cause.cause());
            s.setString(5, cause.title());
            s.setString(6, cause.body());
            s.setLong(7, cause.occurrences());
            s.setLong(8, now.toEpochMilli());
            s.setLong(9, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    private static void update(Connection c, Cause cause, String status, Instant resolved, Instant now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE feedback_tickets SET status = ?, title = ?, body = ?,"
                + " occurrences = ?, last_seen_ms = ?, resolved_at_ms = ? WHERE ticket_key = ?")) {
            s.setString(1, status);
            s.setString(2, cause.title());
            s.setString(3, cause.body());
            s.setLong(4, cause.occurrences());
            s.setLong(5, now.toEpochMilli());
            if (resolved == null) {
                s.setNull(6, Types.BIGINT);
            } else {
                s.setLong(6, resolved.toEpochMilli());
            }
            s.setString(7, cause.key());
            s.executeUpdate();
        }
    }

    private static boolean commentedSince(Connection c, String ticket, String sink, Instant since)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM feedback_deliveries WHERE ticket_key = ? AND"
                + " sink = ? AND action = 'comment' AND (delivered_at_ms IS NULL OR created_at_ms > ?)")) {
            s.setString(1, ticket);
            s.setString(2, sink);
            s.setLong(3, since.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static void enqueue(Connection c, String ticket, String sink, String action, String text, Instant now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO feedback_deliveries (id, ticket_key, sink, action,"
                + " text, created_at_ms, attempts, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")) {
            s.setString(1, UUID.randomUUID().toString());
            s.setString(2, ticket);
            s.setString(3, sink);
            s.setString(4, action);
            s.setString(5, text);
            s.setLong(6, now.toEpochMilli());
            s.setLong(7, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    private TrustplaneException failure(String what, SQLException e) {
        return new TrustplaneException(ErrorKind.IO, "Cannot " + what + " in the store " + store.location() + ": "
                + e.getMessage(), e);
    }
}
