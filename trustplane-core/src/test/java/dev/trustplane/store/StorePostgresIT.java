package dev.trustplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.PostgresPeer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ledger on a real PostgreSQL: the same migrations and statements as on SQLite. */
class StorePostgresIT {
    static PostgresPeer postgres;

    @BeforeAll
    static void start() {
        postgres = PostgresPeer.start();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void shouldMigrateOnceWhenReplicasStartTogether() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Store>> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            starts.add(pool.submit((Callable<Store>) () -> Store.open(postgres.jdbcUrl(), postgres.user(), null)));
        }
        for (Future<Store> f : starts) {
            Store s = f.get();
            assertThat(s.postgres()).isTrue();
            assertThat(s.schemaVersion()).isEqualTo(Store.MIGRATIONS.size());
        }
        pool.shutdown();
        Store store = starts.get(0).get();
        assertThat(LedgerScenario.count(store, "SELECT COUNT(*) FROM trustplane_schema")).isEqualTo(Store.MIGRATIONS.size());
    }

    @Test
    void shouldStoreEveryDecisionAndDeduplicateTickets() throws Exception {
        Store store = Store.open(postgres.jdbcUrl(), postgres.user(), null);
        try (var c = store.connect(); var s = c.createStatement()) {
            s.execute("DELETE FROM admission_decisions");
            s.execute("DELETE FROM admission_tickets");
        }
        LedgerScenario.run(store);
    }
}
