package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.workload.ContainerImage;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory from `kubectl get … -o json` output: owners, every imageID spelling, pods not pulled, bad files. */
class InventoryTest {
    static final String H = "sha256:" + "ab".repeat(32);
    static final String H2 = "sha256:" + "cd".repeat(32);
    static final String H3 = "sha256:" + "ef".repeat(32);
    static final String H4 = "sha256:" + "12".repeat(32);

    @TempDir
    Path dir;

    static Path fixture() throws URISyntaxException {
        return Path.of(InventoryTest.class.getResource("inventory.json").toURI());
    }

    static RunningWorkload workload(Inventory inventory, String label) {
        return inventory.workloads().stream().filter(w -> w.label().equals(label)).findFirst().orElseThrow();
    }

    @Test
    void shouldGroupPodsUnderTheirTopOwnerWithEveryContainerList() throws Exception {
        Inventory inventory = Inventory.fromFiles(List.of(fixture()));

        assertThat(inventory.workloads()).extracting(RunningWorkload::label).containsExactly(
                "Pod kube-system/etcd-node-1", "CronJob shop/report", "Deployment shop/api", "Deployment shop/web",
                "Pod shop/debug", "StatefulSet shop/db");
        RunningWorkload web = workload(inventory, "Deployment shop/web");
        assertThat(web.owners()).containsExactly("ReplicaSet/web-7c9f8d6b5", "Deployment/web");
        assertThat(web.pods()).hasSize(2);
        assertThat(web.owner().path("metadata").path("annotations").path("deployment.kubernetes.io/revision").asText())
                .isEqualTo("2");
        // docker-pullable:// and bare sha256: name the same digest: one entry over both pods
        assertThat(web.images()).extracting(i -> i.container() + " " + i.digest() + " " + i.pods().size())
                .containsExactly("initContainers[0] (migrate) " + H2 + " 2", "containers[0] (app) " + H + " 2");
        assertThat(workload(inventory, "CronJob shop/report").owners())
                .containsExactly("Job/report-29000000", "CronJob/report");
        assertThat(workload(inventory, "Pod shop/debug").images()).extracting(RunningImage::container, RunningImage::digest)
                .containsExactly(tuple("containers[0] (shell)", H4),
                        tuple("ephemeralContainers[0] (debugger-abc)", H2));
        assertThat(inventory.namespaceLabels().get("shop")).containsEntry("team", "payments");
    }

    @Test
    void shouldInferTheDeploymentOfAnUnlistedReplicaSetAndSayWhenAnImageIsNotPulled() throws Exception {
        RunningWorkload api = workload(Inventory.fromFiles(List.of(fixture())), "Deployment shop/api");

        assertThat(api.owners()).containsExactly("ReplicaSet/api-5f6d7c8b9", "Deployment/api");
        assertThat(api.owner()).isNull();
        assertThat(api.images()).singleElement().satisfies(i -> {
            assertThat(i.digest()).isNull();
            assertThat(i.digestNote()).isEqualTo("not pulled yet (ContainerCreating)");
        });
    }

    @Test
    void shouldNotTakeADockerImageIdForARegistryDigestNorCountFinishedPods() throws Exception {
        Inventory inventory = Inventory.fromFiles(List.of(fixture()));

        assertThat(workload(inventory, "StatefulSet shop/db").images()).singleElement().satisfies(i -> {
            assertThat(i.digest()).isNull();
            assertThat(i.digestNote()).startsWith("the runtime reports only a local image ID (docker://sha256:99");
        });
        assertThat(workload(inventory, "CronJob shop/report").pods()).hasSize(1);
        assertThat(workload(inventory, "CronJob shop/report").images()).singleElement()
                .extracting(RunningImage::digest).isEqualTo(H3);
        RunningWorkload etcd = workload(inventory, "Pod kube-system/etcd-node-1");
        assertThat(etcd.staticPod()).isTrue();
        assertThat(etcd.owners()).isEmpty();
    }

    @Test
    void shouldReadYamlAndSeveralFilesIntoOneInventory() throws Exception {
        Path yaml = Files.writeString(dir.resolve("more.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: lone, namespace: other}
                spec: {containers: [{name: c, image: nginx}]}
                status: {phase: Running, containerStatuses: [{name: c, imageID: "docker.io/library/nginx@%s"}]}
                """.formatted(H));

        Inventory inventory = Inventory.fromFiles(List.of(fixture(), yaml));

        assertThat(workload(inventory, "Pod other/lone").images()).singleElement().extracting(RunningImage::digest)
                .isEqualTo(H);
    }

    @Test
    void shouldRefuseMalformedFilesWithOneClearError() throws Exception {
        Path notJson = Files.writeString(dir.resolve("broken.json"), "{\"kind\": \"List\", \"items\": [");
        Path noKind = Files.writeString(dir.resolve("nokind.json"), "{\"kind\":\"List\",\"items\":[{\"metadata\":{}}]}");
        Path scalar = Files.writeString(dir.resolve("scalar.json"), "[1, 2]");
        Path badImage = Files.writeString(dir.resolve("bad.json"), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                + "{\"name\":\"p\",\"namespace\":\"n\"},\"spec\":{\"containers\":{\"name\":\"c\"}}}");

        assertThatThrownBy(() -> Inventory.fromFiles(List.of(notJson))).isInstanceOf(TrustplaneException.class)
                .hasMessageStartingWith("--inventory " + notJson + " is not valid JSON: ")
                .hasMessageEndingWith("; pass the output of `kubectl get … -o json`");
        assertThatThrownBy(() -> Inventory.fromFiles(List.of(noKind)))
                .hasMessage("--inventory " + noKind + " object 1 has no kind or metadata; pass the output of"
                        + " `kubectl get … -o json`");
        assertThatThrownBy(() -> Inventory.fromFiles(List.of(scalar)))
                .hasMessage("--inventory " + scalar + " object 1 has no kind or metadata; pass the output of"
                        + " `kubectl get … -o json`");
        assertThatThrownBy(() -> Inventory.fromFiles(List.of(badImage)))
                .hasMessage("--inventory " + badImage + ": Pod n/p: .spec.containers is not a list");
        assertThatThrownBy(() -> Inventory.fromFiles(List.of(dir.resolve("missing.json"))))
                .isInstanceOfSatisfying(TrustplaneException.class, e -> assertThat(e.kind())
                        .isEqualTo(ErrorKind.NOT_FOUND)).hasMessageContaining("does not exist; write it with `kubectl get");
    }

    @Test
    void shouldReadEveryImageIdSpelling() {
        var c = new ContainerImage("containers", 0, "c", "img", "/spec/containers/0/image");
        var json = Json.mapper();
        Map<String, String> expected = Map.of(
                "docker-pullable://r.example/a@" + H, H,
                "r.example/a@" + H, H,
                H, H,
                "cri-o://" + H, H);
        expected.forEach((id, digest) -> assertThat(Inventory.digest(json.createObjectNode().put("imageID", id), c)[0])
                .as(id).isEqualTo(digest));
        assertThat(Inventory.digest(json.createObjectNode().put("imageID", "sha256:short"), c))
                .containsExactly(null, "unrecognised imageID 'sha256:short' (no sha256 digest in it)");
        assertThat(Inventory.digest(null, c)[1]).startsWith("no status yet");
    }
}
