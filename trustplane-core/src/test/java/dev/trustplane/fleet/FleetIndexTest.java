package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory fleet behind the pod informer: a pod event names its workload and reads only that workload. */
class FleetIndexTest {
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode namespace(String name) {
        return json("{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"team\":\"t-" + name
                + "\"}}}");
    }

    static JsonNode owned(String kind, String name, String ns, String ownerKind, String owner, String annotations) {
        String refs = owner == null ? "" : ",\"ownerReferences\":[{\"kind\":\"" + ownerKind + "\",\"name\":\"" + owner
                + "\",\"controller\":true}]";
        return json("{\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\""
                + refs + ",\"annotations\":{" + annotations + "}}}");
    }

    static JsonNode pod(String name, String ns, String rs, String hash, String phase) {
        String refs = rs == null ? "" : ",\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"" + rs
                + "\",\"controller\":true}]";
        String labels = hash == null ? "" : ",\"labels\":{\"pod-template-hash\":\"" + hash + "\"}";
        return json("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"" + refs
                + labels + "},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"r.example/app:1\"}]},"
                + "\"status\":{\"phase\":\"" + phase + "\",\"containerStatuses\":[{\"name\":\"app\",\"imageID\":"
                + "\"r.example/app@" + DIGEST + "\"}]}}");
    }

    /** Namespace "shop" with Deployments web-0..web-(n-1), each with ReplicaSet web-i-h and 5 pods. */
    static List<JsonNode> shop(int deployments) {
        List<JsonNode> all = new ArrayList<>();
        all.add(namespace("shop"));
        all.add(namespace("other"));
        for (int i = 0; i < deployments; i++) {
            all.add(owned("Deployment", "web-" + i, "shop", null, null, "\"trustplane.dev/team\":\"d" + i + "\""));
            all.add(owned("ReplicaSet", "web-" + i + "-h", "shop", "Deployment", "web-" + i, ""));
            for (int p = 0; p < 5; p++) {
                all.add(pod("web-" + i + "-h-" + p, "shop", "web-" + i + "-h", "h", "Running"));
            }
        }
        return all;
    }

    @Test
    void shouldReadOnlyTheWorkloadAPodEventTouchesWithItsOwnersAndNamespace() {
        FleetIndex index = new FleetIndex("test");
        assertThat(index.replace(shop(40)).workloads()).hasSize(40);

        List<WorkloadKey> touched = index.apply(pod("web-7-h-9", "shop", "web-7-h", "h", "Running"), false);
        assertThat(touched).containsExactly(new WorkloadKey("shop", "Deployment", "web-7"));
        Inventory one = index.workload(touched.get(0));
        assertThat(one.workloads()).singleElement().satisfies(w -> {
            assertThat(w.label()).isEqualTo("Deployment shop/web-7");
            assertThat(w.pods()).hasSize(6);
            assertThat(w.owners()).containsExactly("ReplicaSet/web-7-h", "Deployment/web-7");
            assertThat(w.annotations()).containsEntry("trustplane.dev/team", "d7");
        });
        assertThat(one.namespaceLabels()).containsOnlyKeys("shop").containsEntry("shop", Map.of("team",
                "t-shop"));
        assertThat(index.snapshot().workloads()).hasSize(40);
    }

    @Test
    void shouldNameTheWorkloadBeforeAndAfterWhenAPodMovesOrEnds() {
        FleetIndex index = new FleetIndex("test");
        index.replace(shop(2));
        // the same pod name, now bare: it left web-0
        assertThat(index.apply(pod("web-0-h-0", "shop", null, null, "Running"), false)).containsExactly(
                new WorkloadKey("shop", "Pod", "web-0-h-0"), new WorkloadKey("shop", "Deployment", "web-0"));
        assertThat(index.workload(new WorkloadKey("shop", "Deployment", "web-0")).workloads().get(0).pods()).hasSize(4);
        // a finished pod no longer runs
        assertThat(index.apply(pod("web-0-h-0", "shop", null, null, "Succeeded"), false)).containsExactly(
                new WorkloadKey("shop", "Pod", "web-0-h-0"));
        assertThat(index.workload(new WorkloadKey("shop", "Pod", "web-0-h-0")).workloads()).isEmpty();
        // the last pods of web-1 deleted: the workload is gone from the index
        for (int p = 0; p < 5; p++) {
            assertThat(index.apply(pod("web-1-h-" + p, "shop", "web-1-h", "h", "Running"), true)).containsExactly(
                    new WorkloadKey("shop", "Deployment", "web-1"));
        }
        assertThat(index.workload(new WorkloadKey("shop", "Deployment", "web-1")).workloads()).isEmpty();
        assertThat(index.workloads()).isEqualTo(1);
    }

    @Test
    void shouldFindTheDeploymentOfAPodWhoseNewReplicaSetWasNotListedYet() {
        FleetIndex index = new FleetIndex("test");
        index.replace(shop(1));
        List<WorkloadKey> touched = index.apply(pod("web-0-n-0", "shop", "web-0-n", "n", "Running"), false);
        assertThat(touched).containsExactly(new WorkloadKey("shop", "Deployment", "web-0"));
        RunningWorkload w = index.workload(touched.get(0)).workloads().get(0);
        assertThat(w.pods()).hasSize(6);
        assertThat(w.annotations()).containsEntry("trustplane.dev/team", "d0");
    }
}
