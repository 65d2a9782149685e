package dev.trustplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.admission.TicketNotifier;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path dir;

    @Test
    void shouldMigrateOnceAndReopen() {
        Store first = Store.embedded(dir.resolve("a/trustplane.db"));
        Store again = Store.embedded(dir.resolve("a/trustplane.db"));

        assertThat(first.schemaVersion()).isEqualTo(Store.MIGRATIONS.size());
        assertThat(again.schemaVersion()).isEqualTo(Store.MIGRATIONS.size());
        assertThat(again.postgres()).isFalse();
    }

    @Test
    void shouldRefuseAStoreFromANewerTrustplane() throws Exception {
        Store store = Store.embedded(dir.resolve("t.db"));
        try (var c = store.connect(); var s = c.createStatement()) {
            s.execute("INSERT INTO trustplane_schema VALUES (99, 'V99__future.sql', 0)");
        }

        assertThatThrownBy(() -> Store.embedded(dir.resolve("t.db"))).isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("upgrade Trustplane")
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.UNSUPPORTED);
    }

    @Test
    void shouldStoreEveryDecisionAndDeduplicateTickets() throws Exception {
        LedgerScenario.run(Store.embedded(dir.resolve("ledger.db")));
    }

    @Test
    void shouldChooseTheStoreFromTheEnvironmentAndRefuseOtherUrls() {
        Store s = Store.fromEnvironment(Map.of("TRUSTPLANE_DATA", dir.resolve("data").toString()));

        assertThat(s.location()).isEqualTo("jdbc:sqlite:" + dir.resolve("data/trustplane.db").toAbsolutePath());
        assertThatThrownBy(() -> Store.open("jdbc:mysql://u:secret@db/x", null, null))
                .hasMessageContaining("jdbc:postgresql").hasMessageNotContaining("secret");
    }

    @Test
    void shouldAnswerOnlyOnceCommittedAndWithdrawWhatTheStoreDidNotTakeInTime() throws Exception {
        Store store = Store.embedded(dir.resolve("d.db"));
        AdmissionLedger ledger = new AdmissionLedger(store, 100, Duration.ofMillis(300), null, EventListener.NONE);
        // recorded means committed: another connection sees the row as soon as record returns
        assertThat(ledger.record(List.of(LedgerScenario.entry(1, "registry.example.com/a:1", "PASS", "Enforce", true,
                false)))).isTrue();
        assertThat(LedgerScenario.count(store, "SELECT COUNT(*) FROM admission_decisions")).isEqualTo(1);

        try (Connection lock = store.connect(); Statement s = lock.createStatement()) {
            s.execute("BEGIN IMMEDIATE"); // the writer's next transaction waits for this one
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<Boolean> taken = pool.submit(() -> ledger.record(List.of(LedgerScenario.entry(2,
                    "registry.example.com/b:1", "PASS", "Enforce", true, false))));
            Thread.sleep(150); // the writer has taken request 2 and waits for the lock
            boolean queued = ledger.record(List.of(LedgerScenario.entry(3, "registry.example.com/c:1", "PASS",
                    "Enforce", true, false)));
            assertThat(queued).as("still queued when its wait ended: withdrawn, answered as unrecorded").isFalse();
            s.execute("ROLLBACK");
            assertThat(taken.get(10, TimeUnit.SECONDS)).as("taken by the writer: stored").isTrue();
            pool.shutdown();
        }
        ledger.close();
        assertThat(LedgerScenario.count(store, "SELECT COUNT(*) FROM admission_decisions WHERE request_uid = 'uid-2'"))
                .isEqualTo(1);
        assertThat(LedgerScenario.count(store, "SELECT COUNT(*) FROM admission_decisions WHERE request_uid = 'uid-3'"))
                .as("a withdrawn request is never written").isZero();
        assertThat(ledger.dropped()).isEqualTo(1);
        assertThat(ledger.queued()).isZero();
    }

    @Test
    void shouldPostANewTicketToTheWebhookOnce() throws Exception {
        BlockingQueue<String> posted = new ArrayBlockingQueue<>(10);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            posted.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try {
            Store store = Store.embedded(dir.resolve("t.db"));
            AdmissionLedger ledger = new AdmissionLedger(store, 100, Duration.ofMillis(50), new TicketNotifier(
                    URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), EventListener.NONE),
                    EventListener.NONE);
            ledger.record(List.of(LedgerScenario.entry(1, "registry.example.com/bad:1", "FAIL", "Enforce", false, false),
                    LedgerScenario.entry(2, "registry.example.com/bad:1", "FAIL", "Enforce", false, false)));
            String body = posted.poll(10, TimeUnit.SECONDS);
            ledger.close();

            assertThat(body).contains("\"image\":\"registry.example.com/bad:1\"").contains("\"policy\":\"signed-images\"")
                    .contains("\"status\":\"open\"");
            assertThat(posted.poll(500, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            receiver.stop(0);
        }
    }
}
