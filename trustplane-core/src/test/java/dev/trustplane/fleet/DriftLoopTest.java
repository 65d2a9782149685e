package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.policy.ContextSource;
import dev.trustplane.policy.ImageVerifier;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.store.Store;
import dev.trustplane.verify.Revocations;
import dev.trustplane.verify.VerifierLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's drift loop: a pass at once on a trust change, else on its interval; a failed pass changes nothing. */
class DriftLoopTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class Moving extends Clock {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldRunAtOnceWhenTrustChangesAndOtherwiseOnItsInterval() throws Exception {
        Inventory fleet = Inventory.fromFiles(List.of(InventoryTest.fixture()));
        AtomicBoolean apiDown = new AtomicBoolean();
        AtomicReference<Revocations> revoked = new AtomicReference<>(Revocations.NONE);
        AtomicReference<List<Policy>> policies = new AtomicReference<>(List.of());
        // No policies: the verifier is never asked (no image is covered by a verifyImages rule).
        ImageVerifier none = new RegistryImageVerifier(RegistryClient.builder().build(), VerifierLimits.DEFAULT,
                Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10);
        Moving clock = new Moving();
        List<String> said = new ArrayList<>();
        EventListener listener = e -> said.add(e.toString());
        DriftLoop loop = new DriftLoop(() -> {
            if (apiDown.get()) {
                throw new TrustplaneException(ErrorKind.UNREACHABLE, "The Kubernetes API did not answer");
            }
            return fleet;
        }, policies::get, none, revoked::get, Store.embedded(dir.resolve("trustplane.db")), Duration.ofMinutes(10),
                clock, listener);

        assertThat(loop.tick()).as("first pass").isTrue();
        assertThat(loop.open().get(FindingKind.NOT_ADMITTED)).isEqualTo(6);
        assertThat(loop.tick()).as("nothing changed").isFalse();
        revoked.set(new Revocations(7, List.of()));
        assertThat(loop.tick()).as("revocation list moved").isTrue();
        policies.set(new ArrayList<>());
        assertThat(loop.tick()).as("policies reloaded").isTrue();
        clock.now = clock.now.plus(Duration.ofMinutes(9));
        assertThat(loop.tick()).isFalse();
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        apiDown.set(true);
        assertThat(loop.tick()).as("interval").isTrue();

        assertThat(loop.passes()).isEqualTo(3);
        assertThat(loop.failures()).isEqualTo(1);
        assertThat(loop.open().get(FindingKind.NOT_ADMITTED)).as("the last good pass still counts").isEqualTo(6);
        assertThat(new FindingStore(Store.embedded(dir.resolve("trustplane.db"))).list(Finding.Status.OPEN))
                .hasSize(6);
    }

    @Test
    void shouldRunOnlyOnTheReplicaThatLeadsAndAtOnceWhenItStartsLeading() throws Exception {
        Inventory fleet = Inventory.fromFiles(List.of(InventoryTest.fixture()));
        AtomicBoolean leader = new AtomicBoolean();
        ImageVerifier none = new RegistryImageVerifier(RegistryClient.builder().build(), VerifierLimits.DEFAULT,
                Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10);
        DriftLoop loop = new DriftLoop(() -> fleet, List::of, none, () -> Revocations.NONE,
                Store.embedded(dir.resolve("trustplane.db")), Duration.ofMinutes(10), new Moving(), EventListener.NONE)
                .onlyWhen(leader::get);

        assertThat(loop.tick()).as("follower").isFalse();
        leader.set(true);
        assertThat(loop.tick()).as("leads: runs at once").isTrue();
        assertThat(loop.tick()).isFalse();
        leader.set(false);
        assertThat(loop.tick()).isFalse();
        leader.set(true);
        assertThat(loop.tick()).as("leads again: runs at once").isTrue();
        assertThat(loop.passes()).isEqualTo(2);
    }

    @Test
    void shouldJudgeRulesWithContextAsAdmissionDoesWhenGivenTheClustersSources() throws Exception {
        // a namespace block-list kept in a ConfigMap, as Kyverno samples keep allow-lists
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: blocked-namespaces}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: not-in-blocked
                      context:
                        - name: settings
                          configMap: {name: settings, namespace: trustplane}
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate:
                        message: "namespace {{ request.namespace }} is blocked"
                        deny:
                          conditions:
                            any:
                              - {key: "{{ request.namespace }}", operator: AnyIn, value: "{{ split(settings.data.blocked, ',') }}"}
                """;
        List<Policy> policies = new PolicyLoader(null, null).parse(policy.getBytes(StandardCharsets.UTF_8), "p.yaml")
                .orThrow();
        JsonNode settings = Json.yaml().readTree("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: trustplane}
                data: {blocked: "shop,legacy"}
                """);
        Inventory fleet = Inventory.fromFiles(List.of(InventoryTest.fixture()));
        ImageVerifier none = new RegistryImageVerifier(RegistryClient.builder().build(), VerifierLimits.DEFAULT,
                Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10);
        Store store = Store.embedded(dir.resolve("context.db"));

        DriftPass.Result without = new DriftPass(policies, none, store, Clock.systemUTC(), Duration.ofSeconds(5))
                .run(fleet, Set.of(), false);
        DriftPass.Result with = new DriftPass(policies, none, store, Clock.systemUTC(), Duration.ofSeconds(5))
                .withContext(ContextSource.of(List.of(settings), ContextSource.NONE)).run(fleet, Set.of(), false);

        assertThat(without.seen()).noneMatch(f -> f.kind() == FindingKind.POLICY_REGRESSION);
        assertThat(without.incomplete()).anySatisfy(i -> assertThat(i).contains("ConfigMap trustplane/settings"));
        assertThat(with.seen()).filteredOn(f -> f.kind() == FindingKind.POLICY_REGRESSION).isNotEmpty()
                .allSatisfy(f -> assertThat(f.message()).contains("namespace shop is blocked"));
    }
}
