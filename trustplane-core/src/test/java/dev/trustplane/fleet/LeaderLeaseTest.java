package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.event.EventListener;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Leader election on a Lease, against fabric8's CRUD mock of the Kubernetes API. */
@EnableKubernetesMockClient(crud = true, https = false)
class LeaderLeaseTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    KubernetesInventory api() {
        return new KubernetesInventory(URI.create(client.getMasterUrl().toString()), null, null, null, null);
    }

    @Test
    void shouldLetOneReplicaLeadAndMoveTheLeaseOnlyWhenItExpires() {
        DriftLoopTest.Moving clock = new DriftLoopTest.Moving();
        LeaderLease a = new LeaderLease(api(), "trustplane", "drift", "replica-a", Duration.ofSeconds(15), clock,
                EventListener.NONE);
        LeaderLease b = new LeaderLease(api(), "trustplane", "drift", "replica-b", Duration.ofSeconds(15), clock,
                EventListener.NONE);

        assertThat(a.tryAcquireOrRenew()).as("a creates the lease").isTrue();
        assertThat(b.tryAcquireOrRenew()).as("b finds it held").isFalse();
        clock.now = clock.now.plusSeconds(5);
        assertThat(a.tryAcquireOrRenew()).as("a renews").isTrue();
        clock.now = clock.now.plusSeconds(9);
        assertThat(b.tryAcquireOrRenew()).as("renewed 9 s ago: still a's").isFalse();
        assertThat(a.getAsBoolean()).isTrue();

        clock.now = clock.now.plusSeconds(2); // a died: 11 s without a renewal
        assertThat(a.getAsBoolean()).as("past the renew deadline (2/3 of 15 s) a stops leading on its own").isFalse();
        assertThat(b.tryAcquireOrRenew()).as("…before the lease expires: b must still wait").isFalse();
        clock.now = clock.now.plusSeconds(5); // 16 s without a renewal
        assertThat(b.tryAcquireOrRenew()).as("b takes the expired lease over").isTrue();
        assertThat(a.tryAcquireOrRenew()).as("a comes back as a follower").isFalse();

        JsonNode lease = api().read(LeaderLease.COLLECTION, "trustplane", "drift");
        assertThat(lease.path("spec").path("holderIdentity").asText()).isEqualTo("replica-b");
        assertThat(lease.path("spec").path("leaseTransitions").asInt()).isEqualTo(1);
        assertThat(a.acquisitions()).isEqualTo(1);
        assertThat(b.acquisitions()).isEqualTo(1);
        assertThat(b.renewEvery()).isEqualTo(Duration.ofSeconds(3));
        assertThat(lease.path("spec").path("renewTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    }

    @Test
    void shouldStopLeadingWhenTheApiServerRefusesAWriteAtAStaleResourceVersion() {
        // Another replica writing first is scripted (a 409 once) so that the race is deterministic.
        DriftLoopTest.Moving clock = new DriftLoopTest.Moving();
        LeaderLease a = new LeaderLease(api(), "race", "drift", "replica-a", Duration.ofSeconds(15), clock,
                EventListener.NONE);
        assertThat(a.tryAcquireOrRenew()).isTrue();
        server.expect().put().withPath("/apis/coordination.k8s.io/v1/namespaces/race/leases/drift")
                .andReturn(409, "{\"kind\":\"Status\",\"reason\":\"Conflict\"}").once();

        clock.now = clock.now.plusSeconds(5);

        assertThat(a.tryAcquireOrRenew()).as("another replica wrote first").isFalse();
        assertThat(a.getAsBoolean()).isFalse();
        clock.now = clock.now.plusSeconds(5);
        assertThat(a.tryAcquireOrRenew()).as("still its own lease: renewed at the next try").isTrue();
    }
}
