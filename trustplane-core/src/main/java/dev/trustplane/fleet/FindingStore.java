package dev.trustplane.fleet;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Findings in the store ({@code fleet_findings}, beside the admission ledger), with their
 * lifecycle: a pass's findings are opened or updated in one transaction; an open or suppressed
 * finding the pass did not see is resolved — only when the caller says that pass could have seen
 * it (its check ran for that workload), so a registry or API outage never resolves anything.
 * Nothing is deleted. A suppression holds until its expiry, then the finding is open again.
 */
public final class FindingStore {
    private static final String COLUMNS = "finding_key, kind, namespace, workload_kind, workload, container, image,"
            + " running_digest, admitted_digest, tag_digest, signers, message, status, first_seen_ms, last_seen_ms,"
            + " resolved_at_ms, suppressed_reason, suppressed_until_ms";
    private final Store store;

    public FindingStore(Store store) {
        this.store = store;
    }

    public Store store() {
        return store;
    }

    /** The identity of a finding: SHA-256 of its kind, workload, container and running digest. */
    static String key(FindingKind kind, String namespace, String workloadKind, String workload, String container,
            String runningDigest) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String id = String.join("\n", kind.name(), namespace, workloadKind, workload, container,
                    String.valueOf(runningDigest));
            return HexFormat.of().formatHex(md.digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Records one pass at {@code now}: {@code seen} opened or updated; every open or suppressed
     * finding not seen and {@code resolvable} resolved. Returns every finding not resolved after
     * the pass (open and suppressed), with its history.
     */
    public List<Finding> record(Instant now, List<Finding> seen, Predicate<Finding> resolvable) {
        return record(now, seen, resolvable, null);
    }

    /**
     * {@link #record(Instant, List, Predicate)} for the workload {@code scope} only (null: all):
     * only its findings are resolved and returned — what an incremental pass after a pod event
     * records.
     */
    public List<Finding> record(Instant now, List<Finding> seen, Predicate<Finding> resolvable, WorkloadKey scope) {
        long at = now.toEpochMilli();
        String where = " WHERE status <> 'resolved'" + (scope == null ? ""
                : " AND namespace = ? AND workload_kind = ? AND workload = ?");
        List<String> args = scope == null ? List.of() : List.of(scope.namespace(), scope.kind(), scope.name());
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try {
                Map<String, Finding> before = new HashMap<>();
                for (Finding f : query(c, where, args)) {
                    before.put(f.id(), f);
                }
                Map<String, Finding> unique = new HashMap<>();
                seen.forEach(f -> unique.putIfAbsent(f.id(), f));
                try (PreparedStatement update = c.prepareStatement("UPDATE fleet_findings SET image = ?,"
                        + " admitted_digest = ?, tag_digest = ?, signers = ?, message = ?, last_seen_ms = ?, status = ?,"
                        + " resolved_at_ms = NULL WHERE finding_key = ?");
                        PreparedStatement insert = c.prepareStatement("INSERT INTO fleet_findings (" + COLUMNS
                                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)")) {
                    for (Finding f : unique.values()) {
                        Finding old = before.get(f.id());
                        String status = old != null && old.status() == Finding.Status.SUPPRESSED
                                && old.suppressedUntil() != null && old.suppressedUntil().isAfter(now)
                                ? "suppressed" : "open";
                        update.setString(1, f.image());
                        update.setString(2, f.admittedDigest());
                        update.setString(3, f.tagDigest());
                        update.setString(4, String.join("\n", f.signers()));
                        update.setString(5, f.message());
                        update.setLong(6, at);
                        update.setString(7, status);
                        update.setString(8, f.id());
                        if (update.executeUpdate() == 0) {
                            int i = 1;
                            insert.setString(i++, f.id());
                            insert.setString(i++, f.kind().name());
                            insert.setString(i++, f.namespace());
                            insert.setString(i++, f.workloadKind());
                            insert.setString(i++, f.workload());
                            insert.setString(i++, f.container());
                            insert.setString(i++, f.image());
                            insert.setString(i++, f.runningDigest());
                            insert.setString(i++, f.admittedDigest());
                            insert.setString(i++, f.tagDigest());
                            insert.setString(i++, String.join("\n", f.signers()));
                            insert.setString(i++, f.message());
                            insert.setString(i++, "open");
                            insert.setLong(i++, at);
                            insert.setLong(i, at);
                            insert.executeUpdate();
                        }
                    }
                }
                try (PreparedStatement resolve = c.prepareStatement("UPDATE fleet_findings SET status = 'resolved',"
                        + " resolved_at_ms = ? WHERE finding_key = ?")) {
                    for (Finding f : before.values()) {
                        if (!unique.containsKey(f.id()) && resolvable.test(f)) {
                            resolve.setLong(1, at);
                            resolve.setString(2, f.id());
                            resolve.executeUpdate();
                        }
                    }
                }
                List<Finding> after = query(c, where, args);
                c.commit();
                return after;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Records that a pass ran: what it saw and which checks could not run. */
    public void recordPass(Instant started, Instant finished, int workloads, int containers, int open,
            List<String> incomplete) {
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO fleet_passes (id,"
                + " started_at_ms, finished_at_ms, workloads, containers, open_findings, incomplete) VALUES (?, ?, ?, ?, ?,"
                + " ?, ?)")) {
            s.setString(1, UUID.randomUUID().toString());
            s.setLong(2, started.toEpochMilli());
            s.setLong(3, finished.toEpochMilli());
            s.setInt(4, workloads);
            s.setInt(5, containers);
            s.setInt(6, open);
            if (incomplete.isEmpty()) {
                s.setNull(7, Types.VARCHAR);
            } else {
                s.setString(7, String.join("\n", incomplete));
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Suppresses finding {@code id} (or a unique prefix of it) until {@code until}; returns it. */
    public Finding suppress(String id, String reason, Instant until) {
        if (reason == null || reason.isBlank()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "A suppression needs a reason (--reason TEXT)");
        }
        if (!id.matches("[0-9a-f]{6,64}")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Finding id '" + id + "' is not hexadecimal (6 to"
                    + " 64 digits of the id `drift -o json` prints)");
        }
        try (Connection c = store.connect()) {
            List<Finding> matches = query(c, " WHERE finding_key LIKE ?", List.of(id + "%"));
            if (matches.size() != 1) {
                throw new TrustplaneException(matches.isEmpty() ? ErrorKind.NOT_FOUND : ErrorKind.INVALID_INPUT,
                        matches.isEmpty() ? "No finding " + id + " in " + store.location()
                                + "; `trustplane drift -o json` lists the ids"
                                : "Finding id prefix " + id + " matches " + matches.size() + " findings; give more digits");
            }
            Finding f = matches.get(0);
            try (PreparedStatement s = c.prepareStatement("UPDATE fleet_findings SET status = 'suppressed',"
                    + " suppressed_reason = ?, suppressed_until_ms = ? WHERE finding_key = ?")) {
                s.setString(1, reason);
                s.setLong(2, until.toEpochMilli());
                s.setString(3, f.id());
                s.executeUpdate();
            }
            return query(c, " WHERE finding_key = ?", List.of(f.id())).get(0);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Findings in the given statuses (all when none given), oldest first. */
    public List<Finding> list(Finding.Status... statuses) {
        try (Connection c = store.connect()) {
            if (statuses.length == 0) {
                return query(c, "", List.of());
            }
            List<String> names = Arrays.stream(statuses).map(s -> s.name().toLowerCase(Locale.ROOT)).toList();
            return query(c, " WHERE status IN (" + String.join(", ", names.stream().map(n -> "?").toList()) + ")",
                    names);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static List<Finding> query(Connection c, String where, List<String> args) throws SQLException {
        List<Finding> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM fleet_findings" + where
                + " ORDER BY first_seen_ms, finding_key")) {
            for (int i = 0; i < args.size(); i++) {
                s.setString(i + 1, args.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String signers = r.getString(11);
                    out.add(new Finding(FindingKind.valueOf(r.getString(2)), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getString(9),
                            r.getString(10), signers == null || signers.isEmpty() ? List.of()
                                    : List.of(signers.split("\n")), r.getString(12),
                            Finding.Status.valueOf(r.getString(13).toUpperCase(Locale.ROOT)),
                            Instant.ofEpochMilli(r.getLong(14)), Instant.ofEpochMilli(r.getLong(15)),
                            millis(r, 16), r.getString(17), millis(r, 18)));
                }
            }
        }
        return out;
    }

    private static Instant millis(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private TrustplaneException failed(SQLException e) {
        return new TrustplaneException(store.postgres() ? ErrorKind.UNREACHABLE : ErrorKind.IO, "The findings in "
                + store.location() + " could not be read or written: " + e.getMessage()
                + "; nothing of this pass was recorded");
    }
}
