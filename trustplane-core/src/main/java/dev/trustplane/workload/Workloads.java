package dev.trustplane.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Kubernetes object into a {@link Workload}: where each workload kind keeps its pod spec,
 * and every container list of it ({@code initContainers}, {@code containers},
 * {@code ephemeralContainers}). The one place that knows this: admission, {@code policy test},
 * the inventory and the audit all read workloads through it.
 */
public final class Workloads {
    private static final Map<String, String> POD_SPEC = Map.of(
            "Pod", "/spec",
            "Deployment", "/spec/template/spec",
            "ReplicaSet", "/spec/template/spec",
            "StatefulSet", "/spec/template/spec",
            "DaemonSet", "/spec/template/spec",
            "Job", "/spec/template/spec",
            "ReplicationController", "/spec/template/spec",
            "CronJob", "/spec/jobTemplate/spec/template/spec");
    private static final List<String> LISTS = List.of("initContainers", "containers", "ephemeralContainers");

    private Workloads() {
    }

    /** The kinds whose pods and images Trustplane reads. */
    public static Set<String> kinds() {
        return POD_SPEC.keySet();
    }

    /**
     * The workload of {@code object}, of the given kind; a kind that runs no pods (or an object
     * without a pod spec) gives a workload without pod and containers.
     *
     * @param namespace the namespace a request names (an AdmissionReview's request.namespace), which wins
     *                  over the object's own; null or empty for the object's
     * @throws WorkloadException when a pod spec or container list is not what Kubernetes allows
     */
    public static Workload of(String group, String version, String kind, String namespace, JsonNode object) {
        JsonNode metadata = object == null ? null : object.path("metadata");
        String ns = namespace != null && !namespace.isEmpty() ? namespace
                : metadata == null ? "" : metadata.path("namespace").asText("");
        String name = metadata == null ? "" : metadata.path("name").asText(metadata.path("generateName").asText(""));
        List<ContainerImage> images = new ArrayList<>();
        JsonNode pod = null;
        String specPath = POD_SPEC.get(kind);
        if (object != null && object.isObject() && specPath != null) {
            JsonNode spec = object.at(specPath);
            if (!spec.isMissingNode() && !spec.isNull()) {
                if (!spec.isObject()) {
                    throw new WorkloadException(specPath.replace('/', '.'), "is not an object");
                }
                containers(spec, specPath, images);
                ObjectNode p = JsonNodeFactory.instance.objectNode();
                p.put("apiVersion", "v1");
                p.put("kind", "Pod");
                JsonNode podMetadata = kind.equals("Pod") ? object.path("metadata")
                        : object.at(specPath.substring(0, specPath.length() - "/spec".length()) + "/metadata");
                p.set("metadata", podMetadata.isMissingNode() ? JsonNodeFactory.instance.objectNode() : podMetadata);
                p.set("spec", spec);
                pod = p;
            }
        }
        return new Workload(group, version, kind, ns, name, strings(metadata == null ? null : metadata.path("labels")),
                strings(metadata == null ? null : metadata.path("annotations")), pod, images, object);
    }

    /** The workload of a whole object, its kind and version read from its {@code apiVersion} and {@code kind}. */
    public static Workload of(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return of(group, version, object.path("kind").asText(""), null, object);
    }

    private static void containers(JsonNode spec, String specPath, List<ContainerImage> images) {
        for (String list : LISTS) {
            JsonNode containers = spec.get(list);
            if (containers == null || containers.isNull()) {
                continue;
            }
            if (!containers.isArray()) {
                throw new WorkloadException(specPath.replace('/', '.') + "." + list, "is not a list");
            }
            for (int i = 0; i < containers.size(); i++) {
                JsonNode c = containers.get(i);
                JsonNode image = c.get("image");
                if (image == null || image.isNull()) {
                    continue;
                }
                if (!image.isTextual()) {
                    throw new WorkloadException(specPath.replace('/', '.') + "." + list + "[" + i + "].image",
                            "is not a string");
                }
                images.add(new ContainerImage(list, i, c.path("name").asText(""), image.asText(),
                        specPath + "/" + list + "/" + i + "/image"));
            }
        }
    }

    /** A JSON object of strings as a map (label and annotation values), empty when absent. */
    static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }
}
