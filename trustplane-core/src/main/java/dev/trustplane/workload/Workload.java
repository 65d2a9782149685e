package dev.trustplane.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes object that runs containers (Pod, Deployment, CronJob, …) as every front end sees
 * it: its identity, its labels and annotations, the pod it describes and that pod's containers.
 * Made by {@link Workloads#of}.
 *
 * @param group       API group ("" for the core group)
 * @param labels      the object's own labels
 * @param annotations the object's own annotations
 * @param pod         the pod it describes — itself, or a controller's pod template as a Pod — or
 *                    null for a kind that runs no pods
 * @param containers  every container with an image, from every container list of the pod
 * @param object      the object as given
 */
public record Workload(String group, String version, String kind, String namespace, String name,
        Map<String, String> labels, Map<String, String> annotations, JsonNode pod, List<ContainerImage> containers,
        JsonNode object) {

    public Workload {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        containers = List.copyOf(containers);
    }

    /** {@code Kind namespace/name} for messages. */
    public String label() {
        return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
    }

    /** The labels of the pods it runs (the template's for a controller, its own for a Pod). */
    public Map<String, String> podLabels() {
        return Workloads.strings(pod == null ? null : pod.path("metadata").path("labels"));
    }

    /** The annotations of the pods it runs. */
    public Map<String, String> podAnnotations() {
        return Workloads.strings(pod == null ? null : pod.path("metadata").path("annotations"));
    }
}
