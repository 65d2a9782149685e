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
        context.set("images", images(workload.containers()));
        return new Resource(workload.group(), workload.version(), workload.kind(), workload.namespace(), n, operation,
                workload.object(), workload.labels(), namespaceLabelLookup, workload.containers(), workload.pod(),
                context);
    }

    /**
     * Kyverno's {@code images} variable: per container list, per container name, the image's
     * {@code registry} ({@code docker.io} for a short name), {@code path}, {@code name}, {@code tag}
     * ({@code latest} when neither tag nor digest is written), {@code digest}, {@code reference} and
     * {@code referenceWithTag}, as Kyverno's {@code GetImageInfo} spells them.
     */
    static ObjectNode images(List<ContainerImage> containers) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (ContainerImage c : containers) {
            String image = c.image() == null ? "" : c.image().strip();
            if (image.isEmpty()) {
                continue;
            }
            String rest = image;
            String digest = "";
            int at = rest.indexOf('@');
            if (at >= 0) {
                digest = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            String tag = "";
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            int slash = rest.indexOf('/');
            String first = slash < 0 ? "" : rest.substring(0, slash);
            boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
            String registry = host ? first : "docker.io";
            String path = host ? rest.substring(slash + 1) : rest;
            if (digest.isEmpty() && tag.isEmpty()) {
                tag = "latest";
            }
            ObjectNode list = out.get(c.list()) instanceof ObjectNode o ? o : out.putObject(c.list());
            ObjectNode info = list.putObject(c.name() == null ? "" : c.name());
            info.put("registry", registry).put("path", path).put("name", path.substring(path.lastIndexOf('/') + 1));
            if (!tag.isEmpty()) {
                info.put("tag", tag);
            }
            if (!digest.isEmpty()) {
                info.put("digest", digest);
            }
            info.put("reference", registry + "/" + path + (digest.isEmpty() ? ":" + tag : "@" + digest));
            info.put("referenceWithTag", registry + "/" + path + ":" + tag);
        }
        return out;
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
