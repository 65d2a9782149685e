package dev.trustplane.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.policy.ContainerImage;
import dev.trustplane.policy.Resource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code admission.k8s.io/v1} AdmissionReview request, read strictly: the API version, kind
 * and uid must be there; anything malformed is an {@link AdmissionException} (HTTP 400) naming
 * what is wrong. The resource's images are collected from every container list ({@code
 * initContainers}, {@code containers}, {@code ephemeralContainers}) of the pod spec of each
 * workload kind: Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob and
 * ReplicationController.
 */
public record AdmissionRequest(String uid, String operation, boolean dryRun, Resource resource) {
    /** An AdmissionReview larger than this is refused (Kubernetes objects are at most 1.5 MiB; old and new ride together). */
    public static final int MAX_BYTES = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200)
                .maxStringLength(MAX_BYTES).build());
        JSON.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
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

    /** The kinds whose images Trustplane reads. */
    public static java.util.Set<String> workloadKinds() {
        return POD_SPEC.keySet();
    }

    /**
     * @param namespaceLabels a namespace's labels (null when unknown), asked at most once and only
     *                        when a rule selects namespaces by label; may be null
     */
    public static AdmissionRequest parse(byte[] body, java.util.function.Function<String, Map<String, String>> namespaceLabels) {
        if (body.length > MAX_BYTES) {
            throw new AdmissionException(413, "the AdmissionReview has " + body.length + " bytes, more than the "
                    + MAX_BYTES + " Trustplane reads");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new AdmissionException(400, "the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new AdmissionException(400, "the body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AdmissionException(400, "the body is not a JSON object; expected an admission.k8s.io/v1 AdmissionReview");
        }
        String apiVersion = root.path("apiVersion").asText("");
        if (!apiVersion.equals("admission.k8s.io/v1")) {
            throw new AdmissionException(400, "apiVersion is \"" + apiVersion + "\"; Trustplane answers"
                    + " admission.k8s.io/v1 AdmissionReviews (set admissionReviewVersions: [v1] in the webhook configuration)");
        }
        if (!root.path("kind").asText("").equals("AdmissionReview")) {
            throw new AdmissionException(400, "kind is \"" + root.path("kind").asText("") + "\"; expected AdmissionReview");
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            throw new AdmissionException(400, "the AdmissionReview has no request object");
        }
        String uid = request.path("uid").asText("");
        if (uid.isEmpty() || !request.path("uid").isTextual()) {
            throw new AdmissionException(400, "request.uid is missing; the response must echo it");
        }
        if (uid.length() > 256) {
            throw new AdmissionException(400, "request.uid has " + uid.length() + " characters; a Kubernetes uid has 36");
        }
        JsonNode kindNode = request.path("kind");
        String kind = kindNode.path("kind").asText("");
        if (kind.isEmpty()) {
            throw new AdmissionException(400, "request.kind.kind is missing");
        }
        String operation = request.path("operation").asText("");
        if (!List.of("CREATE", "UPDATE", "DELETE", "CONNECT").contains(operation)) {
            throw new AdmissionException(400, "request.operation is \"" + operation + "\"; expected CREATE, UPDATE,"
                    + " DELETE or CONNECT");
        }
        JsonNode object = request.get("object");
        if (object != null && !object.isNull() && !object.isObject()) {
            throw new AdmissionException(400, "request.object is not an object");
        }
        String namespace = request.path("namespace").asText(object == null ? "" : object.path("metadata").path("namespace").asText(""));
        String name = request.path("name").asText("");
        if (name.isEmpty() && object != null) {
            name = object.path("metadata").path("name").asText(object.path("metadata").path("generateName").asText(""));
        }
        List<ContainerImage> images = new ArrayList<>();
        JsonNode pod = null;
        String specPath = POD_SPEC.get(kind);
        if (object != null && object.isObject() && specPath != null) {
            JsonNode spec = object.at(specPath);
            if (!spec.isMissingNode() && !spec.isNull()) {
                if (!spec.isObject()) {
                    throw new AdmissionException(400, "request.object" + specPath.replace('/', '.') + " is not an object");
                }
                for (String list : LISTS) {
                    JsonNode containers = spec.get(list);
                    if (containers == null || containers.isNull()) {
                        continue;
                    }
                    if (!containers.isArray()) {
                        throw new AdmissionException(400, "request.object" + specPath.replace('/', '.') + "." + list
                                + " is not a list");
                    }
                    for (int i = 0; i < containers.size(); i++) {
                        JsonNode c = containers.get(i);
                        JsonNode image = c.get("image");
                        if (image == null || image.isNull()) {
                            continue;
                        }
                        if (!image.isTextual()) {
                            throw new AdmissionException(400, "request.object" + specPath.replace('/', '.') + "." + list
                                    + "[" + i + "].image is not a string");
                        }
                        images.add(new ContainerImage(list, i, c.path("name").asText(""), image.asText(),
                                specPath + "/" + list + "/" + i + "/image"));
                    }
                }
                ObjectNode p = JSON.createObjectNode();
                p.put("apiVersion", "v1");
                p.put("kind", "Pod");
                JsonNode metadata = kind.equals("Pod") ? object.path("metadata")
                        : object.at(specPath.substring(0, specPath.length() - "/spec".length()) + "/metadata");
                p.set("metadata", metadata.isMissingNode() ? JSON.createObjectNode() : metadata);
                p.set("spec", spec);
                pod = p;
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (object != null) {
            object.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        ObjectNode context = JSON.createObjectNode();
        ObjectNode req = context.putObject("request");
        req.put("operation", operation);
        req.put("namespace", namespace);
        req.put("name", name);
        req.set("kind", kindNode);
        req.set("userInfo", request.path("userInfo"));
        req.set("object", object);
        req.set("oldObject", request.get("oldObject"));
        java.util.function.Supplier<Map<String, String>> lookup = null;
        if (namespaceLabels != null && !namespace.isEmpty()) {
            lookup = new LabelLookup(namespace, namespaceLabels);
        }
        Resource resource = new Resource(kindNode.path("group").asText(""), kindNode.path("version").asText(""), kind,
                namespace, name, operation, object, labels, lookup, images, pod, context);
        return new AdmissionRequest(uid, operation, request.path("dryRun").asBoolean(false), resource);
    }

    /** Asks for a namespace's labels at most once per request, and only when a rule needs them. */
    private static final class LabelLookup implements java.util.function.Supplier<Map<String, String>> {
        private final String namespace;
        private final java.util.function.Function<String, Map<String, String>> source;
        private boolean asked;
        private Map<String, String> labels;

        LabelLookup(String namespace, java.util.function.Function<String, Map<String, String>> source) {
            this.namespace = namespace;
            this.source = source;
        }

        @Override
        public synchronized Map<String, String> get() {
            if (!asked) {
                Map<String, String> l = source.apply(namespace);
                labels = l == null ? null : Map.copyOf(l);
                asked = true;
            }
            return labels;
        }
    }
}
