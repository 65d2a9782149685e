package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A finding's lifecycle: opened, updated (never duplicated), resolved only when it could have been seen, suppressed. */
class FindingStoreTest {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;
    FindingStore store;
    RunningWorkload web;

    @BeforeEach
    void setUp() {
        store = new FindingStore(Store.embedded(dir.resolve("trustplane.db")));
        web = new RunningWorkload("shop", "Deployment", "web", false, List.of(), Map.of(), Map.of(), null, List.of(),
                List.of());
    }

    Finding drift(String digest, String message) {
        return Finding.of(FindingKind.DIGEST_DRIFT, web, "containers[0] (app)", "r/web:1", digest, "sha256:a", null,
                List.of(), message);
    }

    @Test
    void shouldUpdateInsteadOfDuplicatingAndKeepTheFirstSeenTime() {
        store.record(T0, List.of(drift("sha256:b", "first")), f -> true);
        List<Finding> after = store.record(T0.plusSeconds(60), List.of(drift("sha256:b", "second")), f -> true);

        assertThat(after).singleElement().satisfies(f -> {
            assertThat(f.firstSeen()).isEqualTo(T0);
            assertThat(f.lastSeen()).isEqualTo(T0.plusSeconds(60));
            assertThat(f.message()).isEqualTo("second");
            assertThat(f.status()).isEqualTo(Finding.Status.OPEN);
        });
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void shouldResolveOnlyWhatThePassCouldHaveSeenAndReopenWhenItComesBack() {
        store.record(T0, List.of(drift("sha256:b", "m")), f -> true);

        assertThat(store.record(T0.plusSeconds(1), List.of(), f -> false)).hasSize(1);
        assertThat(store.record(T0.plusSeconds(2), List.of(), f -> true)).isEmpty();
        assertThat(store.list(Finding.Status.RESOLVED)).singleElement().extracting(Finding::resolvedAt)
                .isEqualTo(T0.plusSeconds(2));
        assertThat(store.record(T0.plusSeconds(3), List.of(drift("sha256:b", "m")), f -> true)).singleElement()
                .satisfies(f -> {
                    assertThat(f.status()).isEqualTo(Finding.Status.OPEN);
                    assertThat(f.firstSeen()).isEqualTo(T0);
                    assertThat(f.resolvedAt()).isNull();
                });
    }

    @Test
    void shouldKeepASuppressionUntilItsExpiryThenOpenAgain() {
        Finding f = store.record(T0, List.of(drift("sha256:b", "m")), x -> true).get(0);
        Instant until = Instant.now().plusSeconds(3600);
        Finding suppressed = store.suppress(f.id().substring(0, 8), "accepted until the next release", until);

        assertThat(suppressed.status()).isEqualTo(Finding.Status.SUPPRESSED);
        assertThat(store.record(Instant.now(), List.of(drift("sha256:b", "m")), x -> true)).singleElement()
                .extracting(Finding::status).isEqualTo(Finding.Status.SUPPRESSED);
        assertThat(store.record(until.plusSeconds(1), List.of(drift("sha256:b", "m")), x -> true)).singleElement()
                .extracting(Finding::status).isEqualTo(Finding.Status.OPEN);
    }

    @Test
    void shouldKeepDistinctDigestsApartAndRefuseBadSuppressions() {
        store.record(T0, List.of(drift("sha256:b", "m"), drift("sha256:c", "m")), f -> true);

        assertThat(store.list(Finding.Status.OPEN)).hasSize(2);
        assertThatThrownBy(() -> store.suppress("zz", "r", T0)).hasMessageStartingWith("Finding id 'zz' is not"
                + " hexadecimal");
        assertThatThrownBy(() -> store.suppress("0000000000", "r", T0)).hasMessageStartingWith("No finding 0000000000");
        assertThatThrownBy(() -> store.suppress("abcdef", " ", T0)).hasMessage("A suppression needs a reason"
                + " (--reason TEXT)");
    }
}
