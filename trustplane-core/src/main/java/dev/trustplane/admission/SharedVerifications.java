package dev.trustplane.admission;

import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.policy.SharedResults;
import dev.trustplane.store.Store;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.VerificationReportJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replicas' shared verification cache in the store (table {@code verification_results}, ADR
 * 021): a verification one replica did is reused by all, under the same key — so under the same
 * trust state. Reads are one indexed row; writes go through one background thread and a bounded
 * queue (a full queue drops the write: the cache is an optimisation, never on the answer's path).
 * A row that cannot be read or parsed is a miss. Results over {@link #MAX_REPORT_BYTES} are not
 * shared. Expired rows are deleted as writes go by. The store is trusted as much as the revocation
 * list it also holds: whoever can write one can write the other.
 */
public final class SharedVerifications implements SharedResults, AutoCloseable {
    /** The largest report shared (attestations with large statements stay in each replica's own cache). */
    static final int MAX_REPORT_BYTES = 1 << 20;
    private static final String UPSERT = "INSERT INTO verification_results (cache_key, report, expires_at_ms)"
            + " VALUES (?, ?, ?) ON CONFLICT (cache_key) DO UPDATE SET report = excluded.report,"
            + " expires_at_ms = excluded.expires_at_ms";

    private final Store store;
    private final Clock clock;
    private final EventListener listener;
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024), r -> Thread.ofPlatform().daemon(true).name("trustplane-shared-cache")
            .unstarted(r), new ThreadPoolExecutor.DiscardPolicy());
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastPurgeMillis;

    public SharedVerifications(Store store, Clock clock, EventListener listener) {
        this.store = store;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public Optional<VerificationReport> get(String key) {
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT report FROM verification_results WHERE cache_key = ? AND expires_at_ms > ?")) {
            s.setString(1, hash(key));
            s.setLong(2, clock.millis());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(VerificationReportJson.fromStored(Json.mapper().readTree(r.getString(1))));
            }
        } catch (SQLException | RuntimeException | IOException e) {
            failures.incrementAndGet();
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, VerificationReport report, Duration ttl) {
        writer.execute(() -> {
            String json = VerificationReportJson.stored(report).toString();
            if (json.getBytes(StandardCharsets.UTF_8).length > MAX_REPORT_BYTES) {
                return;
            }
            long now = clock.millis();
            try (Connection c = store.connect()) {
                try (PreparedStatement s = c.prepareStatement(UPSERT)) {
                    s.setString(1, hash(key));
                    s.setString(2, json);
                    s.setLong(3, now + ttl.toMillis());
                    s.executeUpdate();
                }
                if (now - lastPurgeMillis > 60_000) {
                    lastPurgeMillis = now;
                    try (PreparedStatement s = c.prepareStatement(
                            "DELETE FROM verification_results WHERE expires_at_ms <= ?")) {
                        s.setLong(1, now);
                        s.executeUpdate();
                    }
                }
                written.incrementAndGet();
            } catch (SQLException | RuntimeException e) {
                if (failures.incrementAndGet() == 1) {
                    listener.warn("shared verification cache in " + store.location() + ": " + e.getMessage()
                            + "; each replica keeps verifying on its own");
                }
            }
        });
    }

    /** Results stored for the other replicas. */
    public long written() {
        return written.get();
    }

    /** Reads and writes that failed (each a miss or a result not shared). */
    public long failures() {
        return failures.get();
    }

    private static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
