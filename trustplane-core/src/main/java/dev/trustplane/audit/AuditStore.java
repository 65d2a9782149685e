package dev.trustplane.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.store.Store;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/** Stored audits (migration V5): each run with every workload's score and grade, for the trend. */
final class AuditStore {
    private static final ObjectMapper JSON = Json.mapper();
    private final Store store;

    AuditStore(Store store) {
        this.store = store;
    }

    /** The trend of {@code report} against the latest stored audit, or null when there is none. */
    AuditReport.Trend trend(AuditReport report) {
        String previous = null;
        Instant at = null;
        Map<String, String> grades = new HashMap<>();
        try (Connection c = store.connect()) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, taken_at_ms FROM audit_runs ORDER BY taken_at_ms DESC, id LIMIT 1");
                 ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                previous = r.getString(1);
                at = Instant.ofEpochMilli(r.getLong(2));
            }
            try (PreparedStatement s = c.prepareStatement("SELECT workload, grade FROM audit_rows WHERE run_id = ?")) {
                s.setString(1, previous);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        grades.put(r.getString(1), r.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("read the previous audit", e);
        }
        int better = 0;
        int worse = 0;
        int same = 0;
        int added = 0;
        List<AuditReport.Change> changes = new ArrayList<>();
        Map<String, Integer> previousGrades = new HashMap<>();
        AuditReport.GRADES.forEach(g -> previousGrades.put(g, 0));
        grades.values().forEach(g -> previousGrades.merge(g, 1, Integer::sum));
        TreeSet<String> now = new TreeSet<>();
        for (WorkloadAudit w : report.workloads()) {
            now.add(w.label());
            String before = grades.get(w.label());
            if (before == null) {
                added++;
                changes.add(new AuditReport.Change(w.label(), null, w.grade()));
            } else if (before.equals(w.grade())) {
                same++;
            } else {
                if (before.compareTo(w.grade()) > 0) {
                    better++;
                } else {
                    worse++;
                }
                changes.add(new AuditReport.Change(w.label(), before, w.grade()));
            }
        }
        int gone = 0;
        for (String w : new TreeSet<>(grades.keySet())) {
            if (!now.contains(w)) {
                gone++;
                changes.add(new AuditReport.Change(w, grades.get(w), null));
            }
        }
        return new AuditReport.Trend(at, better, worse, same, added, gone, previousGrades, changes);
    }

    void record(AuditReport report) {
        String id = UUID.randomUUID().toString();
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_runs (id, taken_at_ms, source,"
                        + " workloads, digests, summary) VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, id);
                    s.setLong(2, report.takenAt().toEpochMilli());
                    s.setString(3, report.source());
                    s.setInt(4, report.workloads().size());
                    s.setInt(5, report.images().size());
                    s.setString(6, report.grades().toString());
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO audit_rows (run_id, workload, score, grade) VALUES (?, ?, ?, ?)")) {
                    for (WorkloadAudit w : report.workloads()) {
                        s.setString(1, id);
                        s.setString(2, w.label());
                        s.setInt(3, w.score());
                        s.setString(4, w.grade());
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("store the audit", e);
        }
    }

    /** The cached judgements of {@code context} checked at or after {@code freshAfter}, by {@code repository@digest}. */
    Map<String, ImageAudit> cached(String context, Instant freshAfter) {
        Map<String, ImageAudit> out = new HashMap<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT repository, digest, data"
                + " FROM audit_images WHERE context = ? AND checked_at_ms >= ?")) {
            s.setString(1, context);
            s.setLong(2, freshAfter.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    try {
                        out.put(r.getString(1) + "@" + r.getString(2), AuditJson.image(JSON.readTree(r.getString(3))));
                    } catch (IOException | RuntimeException e) {
                        // an unreadable entry is judged again
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("read the audit's image cache", e);
        }
        return out;
    }

    /** Caches judgements made at {@code now} under {@code context} (replacing older ones of that context). */
    void cache(String context, List<ImageAudit> images, Instant now) {
        if (images.isEmpty()) {
            return;
        }
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM audit_images WHERE repository = ? AND digest = ? AND context = ?");
                 PreparedStatement s = c.prepareStatement("INSERT INTO audit_images (repository, digest, context, data,"
                         + " checked_at_ms) VALUES (?, ?, ?, ?, ?)")) {
                for (ImageAudit i : images) {
                    d.setString(1, i.repository());
                    d.setString(2, i.digest());
                    d.setString(3, context);
                    d.addBatch();
                    s.setString(1, i.repository());
                    s.setString(2, i.digest());
                    s.setString(3, context);
                    s.setString(4, JSON.writeValueAsString(AuditJson.image(i, now)));
                    s.setLong(5, now.toEpochMilli());
                    s.addBatch();
                }
                d.executeBatch();
                s.executeBatch();
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e instanceof SQLException se ? se : new SQLException(e);
            }
        } catch (SQLException e) {
            throw failure("store the audit's image cache", e);
        }
    }

    private TrustplaneException failure(String what, SQLException e) {
        return new TrustplaneException(ErrorKind.IO, "Cannot " + what + " in the store " + store.location() + ": "
                + e.getMessage(), e);
    }
}
