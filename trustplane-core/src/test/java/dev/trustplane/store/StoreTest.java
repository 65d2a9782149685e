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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
