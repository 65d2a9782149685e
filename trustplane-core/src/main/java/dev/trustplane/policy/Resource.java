package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A resource under admission, as the engine sees it.
 *
 * @param group           API group ("" for the core group)
 * @param operation       CREATE, UPDATE, DELETE or CONNECT
 * @param object          the resource as submitted
 * @param labels          its labels
 * @param namespaceLabels the labels of its namespace, or null when they are not known
 * @param images          every container image, from every container list
 * @param pod             the pod it describes (itself, or a controller's pod template as a Pod) or null
 * @param context         the JSON that message variables resolve against ({@code request.object} …)
 */
public record Resource(String group, String version, String kind, String namespace, String name, String operation,
        JsonNode object, Map<String, String> labels, Map<String, String> namespaceLabels, List<ContainerImage> images,
        JsonNode pod, JsonNode context) {

    public Resource {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        namespaceLabels = namespaceLabels == null ? null : Map.copyOf(namespaceLabels);
        images = List.copyOf(images);
    }

    /** {@code Kind namespace/name} for messages. */
    public String label() {
        return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
