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
 * @param namespaceLabelLookup the labels of its namespace, asked only when a rule selects namespaces
 *                        by label; it answers null when they are not known
 * @param images          every container image, from every container list
 * @param pod             the pod it describes (itself, or a controller's pod template as a Pod) or null
 * @param context         the JSON that message variables resolve against ({@code request.object} …)
 */
public record Resource(String group, String version, String kind, String namespace, String name, String operation,
        JsonNode object, Map<String, String> labels, java.util.function.Supplier<Map<String, String>> namespaceLabelLookup,
        List<ContainerImage> images,
        JsonNode pod, JsonNode context) {

    public Resource {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        namespaceLabelLookup = namespaceLabelLookup == null ? () -> null : namespaceLabelLookup;
        images = List.copyOf(images);
    }

    /** The labels of the resource's namespace, or null when they are not known. */
    public Map<String, String> namespaceLabels() {
        return namespaceLabelLookup.get();
    }

    /** {@code Kind namespace/name} for messages. */
    public String label() {
        return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
