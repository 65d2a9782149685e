package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A workload as it runs: its top owner through {@code ownerReferences} (a Deployment for the pods
 * of its ReplicaSets, a CronJob for those of its Jobs, a StatefulSet, a DaemonSet, or the Pod
 * itself), the pods it runs now and what each container runs.
 *
 * @param kind        the top owner's kind ({@code Pod} for a bare or static pod)
 * @param staticPod   a static (mirror) pod: the kubelet runs it from a file; admission never sees it
 * @param owners      every object from the pods up to the top owner, as {@code Kind/name}
 *                    (ReplicaSets, Jobs): the ledger may have admitted any of them
 * @param labels      the pods' labels (of the first pod)
 * @param annotations the top owner's annotations, then the first pod's (break-glass reads these)
 * @param pods        the pods, each as the API server returned it
 * @param images      what each container runs, one entry per distinct (container, image, digest)
 */
public record RunningWorkload(String namespace, String kind, String name, boolean staticPod, List<String> owners,
        Map<String, String> labels, Map<String, String> annotations, JsonNode owner, List<JsonNode> pods,
        List<RunningImage> images) {

    public RunningWorkload {
        owners = List.copyOf(owners);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        pods = List.copyOf(pods);
        images = List.copyOf(images);
    }

    /** {@code Kind namespace/name}. */
    public String label() {
        return kind + " " + namespace + "/" + name;
    }
}
