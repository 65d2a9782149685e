package dev.trustplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.admission.LedgerEntry;
import dev.trustplane.event.EventListener;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The same ledger checks against SQLite (unit) and PostgreSQL (IT). */
final class LedgerScenario {
    private LedgerScenario() {
    }

    static LedgerEntry entry(int i, String image, String verdict, String mode, boolean allowed, boolean dryRun) {
        return new LedgerEntry(1_700_000_000_000L + i, "uid-" + i, "VALIDATE", "CREATE", dryRun, "apps", "Pod", "web-" + i,
                "containers[0] (app)", image, "sha256:" + "a".repeat(64), List.of("key SHA256:abc"), "signed-images",
                "signature", "sha256:" + "b".repeat(64), verdict, mode, allowed, "message " + i);
    }

    static long count(Store store, String sql) throws SQLException {
        try (Connection c = store.connect(); var s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Every queued decision is stored by close(); denials in Enforce open one ticket per image and policy. */
    static void run(Store store) throws Exception {
        AdmissionLedger ledger = new AdmissionLedger(store, 10_000, Duration.ofMillis(50), null, EventListener.NONE);
        List<LedgerEntry> entries = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            entries.add(entry(i, "registry.example.com/ok:" + i, "PASS", "Enforce", true, false));
        }
        entries.add(entry(1000, "registry.example.com/bad:1", "FAIL", "Enforce", false, false));
        entries.add(entry(1001, "registry.example.com/bad:1", "ERROR", "Enforce", false, false));
        entries.add(entry(1002, "registry.example.com/bad:1", "FAIL", "Enforce", false, false));
        entries.add(entry(1003, "registry.example.com/audit:1", "FAIL", "Audit", true, false));
        entries.add(entry(1004, "registry.example.com/dry:1", "FAIL", "Enforce", false, true));
        assertThat(ledger.record(entries)).isTrue();

        ledger.close(Duration.ofSeconds(30));

        assertThat(ledger.written()).isEqualTo(605);
        assertThat(count(store, "SELECT COUNT(*) FROM admission_decisions")).isEqualTo(605);
        assertThat(count(store, "SELECT COUNT(*) FROM admission_tickets")).isEqualTo(1);
        assertThat(count(store, "SELECT occurrences FROM admission_tickets WHERE image = 'registry.example.com/bad:1'"))
                .isEqualTo(3);
        assertThat(ledger.record(List.of(entry(2000, "x", "PASS", "Enforce", true, false)))).isFalse();
        assertThat(ledger.dropped()).isEqualTo(1);
    }
}
