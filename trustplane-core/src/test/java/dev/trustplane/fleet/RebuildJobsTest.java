package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.catalog.CatalogJson;
import dev.trustplane.catalog.CatalogUpdater;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Catalog rebuilds as Kubernetes Jobs, made from deploy/examples/rebuild-job.yaml, against fabric8's
 * CRUD mock: the Jobs the leader creates, and the outcomes it reads back when the API reports them
 * finished (the mock runs no pods: the test writes what the Job controller and kubelet would).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RebuildJobsTest {
    static KubernetesClient client;
    static KubernetesMockServer server;
    static final Path TEMPLATE = Path.of("../deploy/examples/rebuild-job.yaml").toAbsolutePath().normalize();

    private RebuildJobs jobs(Duration timeout) throws Exception {
        JsonNode template = Json.mapper().valueToTree(Serialization.unmarshal(Files.readString(TEMPLATE), Job.class));
        return new RebuildJobs(new KubernetesInventory(URI.create(client.getMasterUrl().toString()), null, null, null,
                null), "trustplane", template, "/catalog", timeout, Duration.ofMillis(50), Clock.systemUTC(),
                EventListener.NONE);
    }

    private List<Job> created(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Job> list = List.of();
        while (System.nanoTime() < deadline && (list = client.batch().v1().jobs().inNamespace("trustplane").list()
                .getItems()).size() < n) {
            Thread.sleep(20);
        }
        return list;
    }

    @Test
    void shouldRunOneJobPerImageAndReadEachOutcomeFromItsPod() throws Exception {
        RebuildJobs rebuild = jobs(Duration.ofSeconds(20));
        CompletableFuture<List<CatalogUpdater.Outcome>> outcomes = CompletableFuture.supplyAsync(() ->
                rebuild.rebuild(List.of("base-bookworm", "static-bookworm"), List.of("static-bookworm"),
                        "registry.example.com/hardened"));
        List<Job> jobs = created(2);
        assertThat(jobs).hasSize(2);
        Job base = jobs.stream().filter(j -> j.getMetadata().getName().startsWith("trustplane-rebuild-base-bookworm-"))
                .findFirst().orElseThrow();
        Job stat = jobs.stream().filter(j -> j.getMetadata().getName().startsWith("trustplane-rebuild-static-bookworm-"))
                .findFirst().orElseThrow();
        var container = base.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example/trustplane/server:latest");
        assertThat(container.getArgs()).containsExactly("catalog", "update", "/catalog", "-o",
                "registry.example.com/hardened", "--image", "base-bookworm", "--sign", "--key", "/keys/cosign.key",
                "--result-file", "/dev/termination-log");
        assertThat(stat.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--force");
        assertThat(container.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(base.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "trustplane")
                .containsEntry("trustplane.dev/rebuild", "base-bookworm");
        assertThat(base.getSpec().getBackoffLimit()).isZero();
        assertThat(base.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");

        // base: the pod wrote its outcome, the Job completed
        String result = CatalogJson.result(List.of(new CatalogUpdater.Outcome("base-bookworm",
                CatalogUpdater.Outcome.Result.PUBLISHED, "registry.example.com/hardened/base", List.of(
                new CatalogUpdater.Variant("runtime", "sha256:" + "a".repeat(64), null, List.of("12"))), List.of(),
                "fixes CVE-2026-0001")));
        client.resource("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + base.getMetadata().getName()
                + "-x\",\"namespace\":\"trustplane\",\"labels\":{\"job-name\":\"" + base.getMetadata().getName() + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"rebuild\",\"image\":\"x\"}]},\"status\":{\"containerStatuses\":"
                + "[{\"name\":\"rebuild\",\"state\":{\"terminated\":{\"exitCode\":0,\"message\":"
                + Json.mapper().writeValueAsString(result) + "}}}]}}").create();
        base.setStatus(new JobStatusBuilder().withSucceeded(1).build());
        client.batch().v1().jobs().inNamespace("trustplane").resource(base).updateStatus();
        // static: failed before it could write anything
        stat.setStatus(new JobStatusBuilder().withFailed(1)
                .withConditions(new JobConditionBuilder().withType("Failed").withStatus("True").build()).build());
        client.batch().v1().jobs().inNamespace("trustplane").resource(stat).updateStatus();

        List<CatalogUpdater.Outcome> done = outcomes.get(20, TimeUnit.SECONDS);
        assertThat(done.get(0).image()).isEqualTo("base-bookworm");
        assertThat(done.get(0).result()).isEqualTo(CatalogUpdater.Outcome.Result.PUBLISHED);
        assertThat(done.get(0).variants().get(0).digest()).isEqualTo("sha256:" + "a".repeat(64));
        assertThat(done.get(1).result()).isEqualTo(CatalogUpdater.Outcome.Result.FAILED);
        assertThat(done.get(1).reason()).contains("the rebuild Job " + stat.getMetadata().getName()
                + " failed without a result for static-bookworm");
    }

    @Test
    void shouldReportAJobThatDoesNotFinishInTimeAsFailedAndRefuseATemplateThatIsNoJob() throws Exception {
        RebuildJobs rebuild = jobs(Duration.ofMillis(300));
        List<CatalogUpdater.Outcome> done = rebuild.rebuild(List.of("python3-trixie"), List.of(), "reg.example/h");
        assertThat(done.get(0).result()).isEqualTo(CatalogUpdater.Outcome.Result.FAILED);
        assertThat(done.get(0).reason()).contains("did not finish within 0 min; it keeps running");

        assertThatThrownBy(() -> new RebuildJobs(null, "trustplane", Json.mapper().readTree("{\"kind\":\"Pod\"}"),
                "/catalog", Duration.ofMinutes(1), Duration.ofSeconds(1), Clock.systemUTC(), EventListener.NONE))
                .hasMessageContaining("not a batch/v1 Job");
    }
}
