package dev.trustplane.audit;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.store.Store;
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

    private TrustplaneException failure(String what, SQLException e) {
        return new TrustplaneException(ErrorKind.IO, "Cannot " + what + " in the store " + store.location() + ": "
                + e.getMessage(), e);
    }
}
