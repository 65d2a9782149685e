package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.event.EventListener;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.store.Store;
import dev.trustplane.verify.Revocations;
import dev.trustplane.verify.VerifierLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pod informer against fabric8's CRUD mock (a real watch stream): events name their workload, at once. */
@EnableKubernetesMockClient(crud = true, https = false)
class FleetWatchTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    @TempDir
    Path dir;

    KubernetesInventory api() {
        return new KubernetesInventory(URI.create(client.getMasterUrl().toString()), null, null, null, null);
    }

    static String pod(String name, String owner, String digest) {
        String refs = owner == null ? "" : ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                + "\"name\":\"" + owner + "\",\"uid\":\"u\",\"controller\":true}]";
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\""
                + refs + "},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"r.example/app:1\"}]},\"status\":{"
                + "\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"app\",\"imageID\":\"r.example/app@" + digest
                + "\"}]}}";
    }

    /**
     * Waits for {@code key} among the workloads events touched (the mock replays the pods that
     * exist when a watch starts, as an API server does for a watch without a resourceVersion).
     */
    static boolean awaitKey(BlockingQueue<WorkloadKey> touched, WorkloadKey key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            WorkloadKey k = touched.poll(100, TimeUnit.MILLISECONDS);
            if (key.equals(k)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shouldNameTheWorkloadOfEveryPodEventAndReJudgeItIncrementally() throws Exception {
        String d = "sha256:" + "ab".repeat(32);
        client.resource("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"}}").create();
        client.resource("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":"
                + "\"shop\"},\"spec\":{\"selector\":{},\"template\":{\"spec\":{\"containers\":[]}}}}").create();
        client.resource("{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"web-1\",\"namespace\":"
                + "\"shop\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\","
                + "\"uid\":\"u\",\"controller\":true}]},\"spec\":{\"selector\":{}}}").create();
        client.resource(pod("web-1-a", "web-1", d)).create();

        Store store = Store.embedded(dir.resolve("trustplane.db"));
        RegistryImageVerifier verifier = new RegistryImageVerifier(RegistryClient.builder().build(),
                VerifierLimits.DEFAULT, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10);
        BlockingQueue<WorkloadKey> touched = new LinkedBlockingQueue<>();
        try (FleetWatch watch = new FleetWatch(api(), EventListener.NONE)) {
            DriftLoop loop = new DriftLoop(api()::read, List::of, verifier, () -> Revocations.NONE, store,
                    Duration.ofMinutes(10), Clock.systemUTC(), EventListener.NONE).watching(watch);
            watch.start(k -> {
                loop.onPodEvent(k);
                touched.add(k);
            });
            assertThat(loop.tick()).isTrue();
            assertThat(new FindingStore(store).list(Finding.Status.OPEN)).extracting(Finding::workloadLabel)
                    .containsExactly("Deployment shop/web");

            client.resource(pod("rogue", null, d)).create();
            assertThat(awaitKey(touched, new WorkloadKey("shop", "Pod", "rogue"))).isTrue();
            assertThat(new FindingStore(store).list(Finding.Status.OPEN)).extracting(f -> f.kind() + " " + f.workloadLabel())
                    .containsExactlyInAnyOrder("NOT_ADMITTED Deployment shop/web", "NOT_ADMITTED Pod shop/rogue");

            client.resource(pod("web-1-b", "web-1", d)).create();
            assertThat(awaitKey(touched, new WorkloadKey("shop", "Deployment", "web"))).isTrue();

            client.pods().inNamespace("shop").withName("rogue").delete();
            assertThat(awaitKey(touched, new WorkloadKey("shop", "Pod", "rogue"))).isTrue();
            assertThat(new FindingStore(store).list(Finding.Status.RESOLVED)).extracting(Finding::workloadLabel)
                    .containsExactly("Pod shop/rogue");
            assertThat(new FindingStore(store).list(Finding.Status.OPEN)).extracting(Finding::workloadLabel)
                    .containsExactly("Deployment shop/web");
            assertThat(loop.podEvents()).isGreaterThanOrEqualTo(3);
            assertThat(watch.snapshot().workloads()).extracting(RunningWorkload::label)
                    .containsExactly("Deployment shop/web");
        }
    }
}
