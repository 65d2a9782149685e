package dev.trustplane.fleet;

import dev.trustplane.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the admission ledger says about the workloads that run: every digest admitted per workload
 * and container (with when it was admitted last), and every rule's verdicts at admission. Read in
 * two aggregating queries, so its size follows the fleet, not the ledger's history. A workload's
 * admissions are those of its top owner, of every owner between (ReplicaSets, Jobs) and of its
 * pods (by name and by {@code generateName}, as the webhook sees a pod a controller creates).
 */
final class AdmissionHistory {
    /** One admitted digest of a workload's container (digest null: admitted without verification). */
    record Admitted(String container, String digest, Instant at) {
    }

    /** A rule's verdict at admission for one of a workload's objects. */
    record Verdict(String policy, String rule, String container, String verdict, String mode, Instant at) {
    }

    private final Map<String, List<Admitted>> admitted = new HashMap<>();
    private final Map<String, List<Verdict>> verdicts = new HashMap<>();
    private final Map<RunningWorkload, List<String>> keys = new IdentityHashMap<>();

    private AdmissionHistory() {
    }

    /** No admissions at all (a simulation judges policies, not history). */
    static AdmissionHistory empty() {
        return new AdmissionHistory();
    }

    static AdmissionHistory load(Store store) throws SQLException {
        return load(store, null);
    }

    /** The history of the workloads in {@code namespace} only (null: every namespace). */
    static AdmissionHistory load(Store store, String namespace) throws SQLException {
        AdmissionHistory h = new AdmissionHistory();
        String only = namespace == null ? "" : " AND namespace = ?";
        try (Connection c = store.connect()) {
            try (PreparedStatement s = c.prepareStatement("SELECT namespace, kind, name, container, digest,"
                    + " MAX(decided_at_ms) FROM admission_decisions WHERE allowed = 1 AND dry_run = 0" + only
                    + " GROUP BY namespace, kind, name, container, digest")) {
                if (namespace != null) {
                    s.setString(1, namespace);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        h.admitted.computeIfAbsent(key(r.getString(1), r.getString(2), r.getString(3)),
                                k -> new ArrayList<>()).add(new Admitted(r.getString(4), r.getString(5),
                                Instant.ofEpochMilli(r.getLong(6))));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT namespace, kind, name, policy, rule_name, container,"
                    + " verdict, mode, MAX(decided_at_ms) FROM admission_decisions WHERE allowed = 1 AND dry_run = 0"
                    + " AND policy IS NOT NULL" + only + " GROUP BY namespace, kind, name, policy, rule_name, container,"
                    + " verdict, mode")) {
                if (namespace != null) {
                    s.setString(1, namespace);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        h.verdicts.computeIfAbsent(key(r.getString(1), r.getString(2), r.getString(3)),
                                k -> new ArrayList<>()).add(new Verdict(r.getString(4), r.getString(5), r.getString(6),
                                r.getString(7), r.getString(8), Instant.ofEpochMilli(r.getLong(9))));
                    }
                }
            }
        }
        return h;
    }

    /** Whether admission ever let any of the workload's objects in. */
    boolean admitted(RunningWorkload w) {
        return keys(w).stream().anyMatch(admitted::containsKey);
    }

    /** Every admitted digest of container {@code container} of the workload. */
    List<Admitted> admitted(RunningWorkload w, String container) {
        List<Admitted> out = new ArrayList<>();
        for (String k : keys(w)) {
            for (Admitted a : admitted.getOrDefault(k, List.of())) {
                if (container.equals(a.container())) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** The verdicts at admission of {@code policy}'s {@code rule} for the workload. */
    List<Verdict> verdicts(RunningWorkload w, String policy, String rule) {
        List<Verdict> out = new ArrayList<>();
        for (String k : keys(w)) {
            for (Verdict v : verdicts.getOrDefault(k, List.of())) {
                if (v.policy().equals(policy) && rule.equals(v.rule())) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private synchronized List<String> keys(RunningWorkload w) {
        return keys.computeIfAbsent(w, AdmissionHistory::keysOf);
    }

    private static List<String> keysOf(RunningWorkload w) {
        List<String> keys = new ArrayList<>();
        keys.add(key(w.namespace(), w.kind(), w.name()));
        for (String owner : w.owners()) {
            int slash = owner.indexOf('/');
            keys.add(key(w.namespace(), owner.substring(0, slash), owner.substring(slash + 1)));
        }
        for (var pod : w.pods()) {
            var meta = pod.path("metadata");
            keys.add(key(w.namespace(), "Pod", meta.path("name").asText("")));
            if (meta.has("generateName")) {
                keys.add(key(w.namespace(), "Pod", meta.path("generateName").asText("")));
            }
        }
        return keys;
    }

    private static String key(String namespace, String kind, String name) {
        return (namespace == null ? "" : namespace) + "\0" + kind + "\0" + name;
    }
}
