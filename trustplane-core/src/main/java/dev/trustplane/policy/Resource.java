package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.workload.ContainerImage;
import dev.trustplane.workload.Workload;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
        JsonNode object, Map<String, String> labels, Supplier<Map<String, String>> namespaceLabelLookup,
        List<ContainerImage> images,
        JsonNode pod, JsonNode context) {

    public Resource {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        namespaceLabelLookup = namespaceLabelLookup == null ? () -> null : namespaceLabelLookup;
        images = List.copyOf(images);
    }

    /**
     * The resource a request about {@code workload} presents to the engine: its images, its pod,
     * and the {@code request.*} context that variables in messages and conditions resolve against.
     *
     * @param name                 the name the request gives (an AdmissionReview's request.name), or
     *                             null for the workload's own
     * @param userInfo             who asks (null when nobody does, as in {@code policy test})
     * @param namespaceLabelLookup the namespace's labels, asked only when a rule needs them; may be null
     */
    public static Resource of(Workload workload, String name, String operation, JsonNode userInfo, JsonNode oldObject,
            Supplier<Map<String, String>> namespaceLabelLookup) {
        String n = name == null || name.isEmpty() ? workload.name() : name;
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        ObjectNode req = context.putObject("request");
        req.put("operation", operation);
        req.put("namespace", workload.namespace());
        req.put("name", n);
        req.putObject("kind").put("group", workload.group()).put("version", workload.version())
                .put("kind", workload.kind());
        req.set("userInfo", userInfo == null ? MissingNode.getInstance() : userInfo);
        req.set("object", workload.object());
        req.set("oldObject", oldObject);
        return new Resource(workload.group(), workload.version(), workload.kind(), workload.namespace(), n, operation,
                workload.object(), workload.labels(), namespaceLabelLookup, workload.containers(), workload.pod(),
                context);
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
