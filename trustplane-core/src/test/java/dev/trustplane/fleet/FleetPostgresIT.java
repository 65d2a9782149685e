package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.store.Store;
import dev.trustplane.testkit.PostgresPeer;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.Revocations;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Findings and revocations on a real PostgreSQL (cluster mode): the same migration and statements as on SQLite. */
class FleetPostgresIT {
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
    void shouldKeepTheFindingLifecycleAndTheRevocationListOnPostgres() {
        Store store = Store.open(postgres.jdbcUrl(), postgres.user(), null);
        FindingStore findings = new FindingStore(store);
        RunningWorkload web = new RunningWorkload("shop", "Deployment", "web", false, List.of(), Map.of(), Map.of(),
                null, List.of(), List.of());
        Finding drift = Finding.of(FindingKind.DIGEST_DRIFT, web, "containers[0] (app)", "r/web:1", "sha256:b",
                "sha256:a", null, List.of("x"), "m");
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");

        findings.record(t0, List.of(drift), f -> true);
        assertThat(findings.record(t0.plusSeconds(5), List.of(drift), f -> true)).singleElement()
                .satisfies(f -> assertThat(f.firstSeen()).isEqualTo(t0));
        Finding suppressed = findings.suppress(drift.id().substring(0, 12), "accepted", Instant.now().plusSeconds(60));
        assertThat(suppressed.status()).isEqualTo(Finding.Status.SUPPRESSED);
        assertThat(findings.record(t0.plusSeconds(9), List.of(), f -> true, WorkloadKey.of(web))).isEmpty();
        assertThat(findings.list(Finding.Status.RESOLVED)).hasSize(1);

        try (RevocationStore revocations = new RevocationStore(store);
                RevocationStore other = new RevocationStore(Store.open(postgres.jdbcUrl(), postgres.user(), null))) {
            Revocations before = revocations.current();
            var r = other.revokeIdentity("ci@example.com", "https://issuer.example", Instant.parse("2026-11-01T00:00:00Z"),
                    "compromised", "test");
            Revocations after = revocations.current();
            assertThat(after.version()).isGreaterThan(before.version());
            assertThat(after.entries()).singleElement().extracting(Revocations.Revocation::since)
                    .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
            assertThat(other.unrevoke(r.id(), "fixed")).isTrue();
            assertThat(revocations.current().entries()).isEmpty();
        }
    }
}
