package dev.trustplane.admission;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admission ledger: every decision is recorded before its request is answered. {@link #record}
 * reserves room for all of a request's entries at once in a bounded queue — waiting for the
 * writer when it is full (backpressure), never queueing part of a request — and then waits until
 * the writer has committed them (group commit: one transaction stores the entries of every
 * request waiting, so throughput does not fall to one commit per request). It says whether the
 * request was recorded within the wait; the caller decides what an unrecorded request means (the
 * admission service denies it under Enforce). A request whose entries were still queued when the
 * wait ended is withdrawn — never written — so the ledger never shows a decision that was not the
 * answer; once the writer has taken them they are stored (a failing batch is retried until it is
 * stored or the ledger is closed). So a replica killed at any moment has lost no decision it
 * answered (ADR 007). For each denial the writer opens or updates the ticket of (image, policy);
 * {@link #close} stops taking entries and drains everything queued before it returns.
 * {@link #behind} tells readiness probes when the store cannot keep up.
 */
public final class AdmissionLedger implements AutoCloseable {
    private static final int BATCH = 256;
    private static final String INSERT = "INSERT INTO admission_decisions (id, decided_at_ms, request_uid, phase,"
            + " operation, dry_run, namespace, kind, name, container, image, digest, signers, policy, rule_name,"
            + " policy_hash, verdict, mode, allowed, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?)";
    private static final String TICKET = "INSERT INTO admission_tickets (ticket_key, image, policy, rule_name, status,"
            + " first_seen_ms, last_seen_ms, occurrences, digest, last_namespace, last_kind, last_name, last_message)"
            + " VALUES (?, ?, ?, ?, 'open', ?, ?, 1, ?, ?, ?, ?, ?) ON CONFLICT (ticket_key) DO UPDATE SET"
            + " status = 'open', last_seen_ms = excluded.last_seen_ms, occurrences = admission_tickets.occurrences + 1,"
            + " rule_name = excluded.rule_name, digest = excluded.digest, last_namespace = excluded.last_namespace,"
            + " last_kind = excluded.last_kind, last_name = excluded.last_name, last_message = excluded.last_message";

    /** How long a request whose entries the writer has taken waits on for their commit. */
    private static final long IN_FLIGHT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Store store;
    /** Requests queued and not yet stored; bounded by {@link #space} in entries, not by the queue itself. */
    private final BlockingQueue<PendingRequest> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedEntries = new AtomicInteger();
    private final Semaphore space;
    private final int capacity;
    private final Duration offerWait;
    private volatile long lastProgressNanos = System.nanoTime();
    private final TicketNotifier notifier;
    private final EventListener listener;
    private final Thread writer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param notifier posts new tickets to a webhook; may be null
     */
    public AdmissionLedger(Store store, int capacity, Duration offerWait, TicketNotifier notifier, EventListener listener) {
        this.store = store;
        this.capacity = capacity;
        this.space = new Semaphore(capacity);
        this.offerWait = offerWait;
        this.notifier = notifier;
        this.listener = listener;
        this.writer = Thread.ofPlatform().name("trustplane-ledger").daemon(false).start(this::drain);
        if (!store.postgres()) {
            Thread.ofPlatform().name("trustplane-ledger-checkpoint").daemon(true).start(this::checkpoint);
        }
    }

    /** {@link #record(List, Duration)} waiting at most the ledger's {@code offerWait}. */
    public boolean record(List<LedgerEntry> entries) {
        return record(entries, offerWait);
    }

    /**
     * Queues all of {@code entries} or none: waits up to {@code wait} for room while the writer
     * stores earlier entries. Returns false, counting the entries as dropped with one warning,
     * when there was no room in time, the entries can never fit, or the ledger is closed.
     */
    public boolean record(List<LedgerEntry> entries, Duration wait) {
        if (entries.isEmpty()) {
            return true;
        }
        long deadline = System.nanoTime() + Math.max(0, wait.toNanos());
        boolean reserved = false;
        if (!closed.get() && entries.size() <= capacity) {
            try {
                reserved = space.tryAcquire(entries.size(), Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        if (!reserved || closed.get()) {
            if (reserved) {
                space.release(entries.size());
            }
            return unrecorded(entries, closed.get() ? "closed" : entries.size() > capacity
                    ? "a request's " + entries.size() + " decisions exceed the queue of " + capacity
                    : "the write queue stayed full for " + wait.toMillis() + " ms (" + queuedEntries.get() + " queued)");
        }
        PendingRequest group = new PendingRequest(List.copyOf(entries));
        queuedEntries.addAndGet(entries.size());
        queue.add(group);
        if (group.await(deadline - System.nanoTime())) {
            return group.stored;
        }
        if (group.state.compareAndSet(PendingRequest.QUEUED, PendingRequest.WITHDRAWN)) {
            queuedEntries.addAndGet(-entries.size());
            space.release(entries.size());
            return unrecorded(entries, "not committed within " + wait.toMillis() + " ms (" + queuedEntries.get()
                    + " queued); withdrawn unwritten");
        }
        // the writer holds them: they are stored unless the ledger is closed before the store answers
        return !group.await(IN_FLIGHT_WAIT_NANOS) || group.stored;
    }

    private boolean unrecorded(List<LedgerEntry> entries, String why) {
        dropped.addAndGet(entries.size());
        LedgerEntry e = entries.get(0);
        listener.warn("admission ledger: " + why + "; " + entries.size() + " decisions of request " + e.requestUid()
                + " (" + e.namespace() + "/" + e.name() + ") were not recorded");
        return false;
    }

    /**
     * True when the store cannot keep up: the queue is over 90 % full, or entries have waited
     * 30 s without any being stored. Readiness probes report it so traffic moves elsewhere.
     */
    public boolean behind() {
        int queued = queuedEntries.get();
        return queued > capacity * 9L / 10
                || queued > 0 && System.nanoTime() - lastProgressNanos > TimeUnit.SECONDS.toNanos(30);
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Batches that failed to store (and were retried). */
    public long failures() {
        return failures.get();
    }

    public int queued() {
        return queuedEntries.get();
    }

    private void drain() {
        List<PendingRequest> groups = new ArrayList<>();
        List<LedgerEntry> batch = new ArrayList<>(BATCH);
        Connection c = null;
        while (true) {
            if (batch.isEmpty()) {
                try {
                    PendingRequest first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        lastProgressNanos = System.nanoTime();
                        if (closed.get() && queue.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    take(first, groups, batch);
                    PendingRequest next;
                    while (batch.size() < BATCH && (next = queue.poll()) != null) {
                        take(next, groups, batch);
                    }
                } catch (InterruptedException e) {
                    if (closed.get()) {
                        PendingRequest next;
                        while ((next = queue.poll()) != null) {
                            take(next, groups, batch);
                        }
                    }
                    continue;
                }
                if (batch.isEmpty()) {
                    continue; // every group taken had been withdrawn
                }
            }
            try {
                if (c == null || c.isClosed()) {
                    c = store.connect();
                    if (!store.postgres()) {
                        // SQLite: the WAL checkpoint (an fsync of the database) would run inside a commit that
                        // requests wait for; checkpoint() runs it beside them instead
                        try (Statement s = c.createStatement()) {
                            s.execute("PRAGMA wal_autocheckpoint=0");
                        }
                    }
                    c.setAutoCommit(false);
                }
                List<LedgerEntry> opened = store(c, batch);
                written.addAndGet(batch.size());
                settle(groups, batch, true);
                lastProgressNanos = System.nanoTime();
                if (notifier != null) {
                    opened.forEach(e -> notifier.post(e, this));
                }
            } catch (RuntimeException e) {
                // A defect, not the database: retrying would never succeed and would block every later entry.
                dropped.addAndGet(batch.size());
                listener.warn("admission ledger: dropped " + batch.size() + " decisions that could not be stored (" + e
                        + "); report this");
                settle(groups, batch, false);
            } catch (SQLException e) {
                failures.incrementAndGet();
                listener.warn("admission ledger: could not store " + batch.size() + " decisions in " + store.location()
                        + " (" + e.getMessage() + "); retrying");
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException ignored) {
                    // reconnect on the next attempt
                }
                c = null;
                try {
                    Thread.sleep(Math.min(2000, 100L * failures.get()));
                } catch (InterruptedException ie) {
                    // keep draining: close() waits for us
                }
            }
        }
        if (c != null) {
            try {
                if (!store.postgres()) {
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("PRAGMA wal_autocheckpoint=1000"); // the pooled connection goes back as it came
                    }
                }
                c.close();
            } catch (SQLException ignored) {
                // closing after the last commit
            }
        }
    }

    /** SQLite: moves the WAL into the database every second, beside the writer's commits (PASSIVE never blocks them). */
    private void checkpoint() {
        while (!closed.get() || writer.isAlive()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            try (Connection k = store.connect(); Statement s = k.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(PASSIVE)");
            } catch (SQLException e) {
                // the next second tries again; the WAL only grows meanwhile
            }
        }
    }

    /** Adds {@code group}'s entries to the batch unless its request withdrew them first. */
    private static void take(PendingRequest group, List<PendingRequest> groups, List<LedgerEntry> batch) {
        if (group.state.compareAndSet(PendingRequest.QUEUED, PendingRequest.TAKEN)) {
            groups.add(group);
            batch.addAll(group.entries);
        }
    }

    /** The batch is stored ({@code ok}) or given up: its requests learn it and its room is free again. */
    private void settle(List<PendingRequest> groups, List<LedgerEntry> batch, boolean ok) {
        queuedEntries.addAndGet(-batch.size());
        space.release(batch.size());
        groups.forEach(g -> g.settle(ok));
        groups.clear();
        batch.clear();
    }

    /** Stores one batch in one transaction; returns the denials whose ticket is new (to notify). */
    private List<LedgerEntry> store(Connection c, List<LedgerEntry> batch) throws SQLException {
        List<LedgerEntry> opened = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement(INSERT); PreparedStatement ticket = c.prepareStatement(TICKET);
                PreparedStatement count = c.prepareStatement(
                        "SELECT occurrences FROM admission_tickets WHERE ticket_key = ?")) {
            for (LedgerEntry e : batch) {
                int i = 1;
                insert.setString(i++, UUID.randomUUID().toString());
                insert.setLong(i++, e.decidedAtMillis());
                insert.setString(i++, e.requestUid());
                insert.setString(i++, e.phase());
                insert.setString(i++, e.operation());
                insert.setInt(i++, e.dryRun() ? 1 : 0);
                insert.setString(i++, e.namespace());
                insert.setString(i++, e.kind());
                insert.setString(i++, e.name());
                insert.setString(i++, e.container());
                insert.setString(i++, e.image());
                insert.setString(i++, e.digest());
                insert.setString(i++, String.join("\n", e.signers()));
                insert.setString(i++, e.policy());
                insert.setString(i++, e.rule());
                insert.setString(i++, e.policyHash());
                insert.setString(i++, e.verdict());
                insert.setString(i++, e.mode());
                insert.setInt(i++, e.allowed() ? 1 : 0);
                insert.setString(i, e.message());
                insert.addBatch();
            }
            insert.executeBatch();
            for (LedgerEntry e : batch) {
                if (e.allowed() || e.dryRun() || e.image() == null || !"Enforce".equals(e.mode())
                        || !(e.verdict().equals("FAIL") || e.verdict().equals("ERROR"))) {
                    continue;
                }
                String key = ticketKey(e.image(), e.policy());
                int i = 1;
                ticket.setString(i++, key);
                ticket.setString(i++, e.image());
                ticket.setString(i++, e.policy());
                ticket.setString(i++, e.rule());
                ticket.setLong(i++, e.decidedAtMillis());
                ticket.setLong(i++, e.decidedAtMillis());
                ticket.setString(i++, e.digest());
                ticket.setString(i++, e.namespace());
                ticket.setString(i++, e.kind());
                ticket.setString(i++, e.name());
                ticket.setString(i, e.message());
                ticket.executeUpdate();
                count.setString(1, key);
                try (ResultSet r = count.executeQuery()) {
                    if (r.next() && r.getLong(1) == 1) {
                        opened.add(e);
                    }
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
        return opened;
    }

    /**
     * A rejection ticket: every denial of {@code image} by {@code policy}, with the last one's
     * details. {@code admittedSince} says whether the ledger recorded an admission of the same
     * image after the last denial (the cause is gone).
     */
    public record RejectionTicket(String key, String image, String policy, String rule, Instant firstSeen,
            Instant lastSeen, long occurrences, String digest, String namespace, String kind, String name,
            String message, boolean admittedSince) {
    }

    /** Every rejection ticket in {@code store}, oldest first. */
    public static List<RejectionTicket> rejectionTickets(Store store) {
        List<RejectionTicket> out = new ArrayList<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT t.ticket_key, t.image,"
                + " t.policy, t.rule_name, t.first_seen_ms, t.last_seen_ms, t.occurrences, t.digest, t.last_namespace,"
                + " t.last_kind, t.last_message, t.last_name, (SELECT MAX(d.decided_at_ms) FROM admission_decisions d"
                + " WHERE d.image = t.image AND d.allowed = 1 AND d.dry_run = 0) FROM admission_tickets t"
                + " ORDER BY t.first_seen_ms, t.ticket_key"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                long admitted = r.getLong(13);
                boolean since = !r.wasNull() && admitted > r.getLong(6);
                out.add(new RejectionTicket(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        Instant.ofEpochMilli(r.getLong(5)), Instant.ofEpochMilli(r.getLong(6)), r.getLong(7),
                        r.getString(8), r.getString(9), r.getString(10), r.getString(12), r.getString(11), since));
            }
        } catch (SQLException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read the rejection tickets from " + store.location()
                    + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** One recorded decision, as the console and its API list them. */
    public record Recorded(Instant decidedAt, String phase, String operation, boolean dryRun, String namespace,
            String kind, String name, String container, String image, String digest, String signers, String policy,
            String rule, String verdict, String mode, boolean allowed, String message) {
    }

    /**
     * The latest recorded decisions, newest first, at most {@code limit}; each filter may be null:
     * the namespace, whether the request was allowed, a substring of the image.
     */
    public static List<Recorded> decisions(Store store, String namespace, Boolean allowed, String image, int limit) {
        StringBuilder sql = new StringBuilder("SELECT decided_at_ms, phase, operation, dry_run, namespace, kind, name,"
                + " container, image, digest, signers, policy, rule_name, verdict, mode, allowed, message"
                + " FROM admission_decisions WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (namespace != null && !namespace.isBlank()) {
            sql.append(" AND namespace = ?");
            args.add(namespace);
        }
        if (allowed != null) {
            sql.append(" AND allowed = ?");
            args.add(allowed ? 1 : 0);
        }
        if (image != null && !image.isBlank()) {
            sql.append(" AND image LIKE ? ESCAPE '!'");
            args.add("%" + image.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        sql.append(" ORDER BY decided_at_ms DESC, id LIMIT ?");
        args.add(Math.max(1, Math.min(limit, 5_000)));
        List<Recorded> out = new ArrayList<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Recorded(Instant.ofEpochMilli(r.getLong(1)), r.getString(2), r.getString(3),
                            r.getInt(4) == 1, r.getString(5), r.getString(6), r.getString(7), r.getString(8),
                            r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getString(13),
                            r.getString(14), r.getString(15), r.getInt(16) == 1, r.getString(17)));
                }
            }
        } catch (SQLException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read the admission ledger in " + store.location()
                    + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Tickets are deduplicated by image and policy. */
    public static String ticketKey(String image, String policy) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((image + "\n" + policy).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops taking entries and returns once every queued entry is stored (or {@code wait} passed). */
    public void close(Duration wait) {
        closed.set(true);
        try {
            writer.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            listener.warn("admission ledger: " + queuedEntries.get() + " decisions were still queued after "
                    + wait.toSeconds() + " s; the store " + store.location() + " is not answering");
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** The store this ledger writes to. */
    public Store store() {
        return store;
    }
}
