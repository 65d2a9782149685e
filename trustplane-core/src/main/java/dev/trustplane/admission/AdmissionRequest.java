package dev.trustplane.admission;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.io.Json;
import dev.trustplane.policy.Resource;
import dev.trustplane.workload.Workload;
import dev.trustplane.workload.WorkloadException;
import dev.trustplane.workload.Workloads;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

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
    /** Duplicate keys refused, nesting limited ({@link Json#MAX_NESTING}). */
    private static final ObjectMapper JSON = Json.strict();

    /**
     * @param namespaceLabels a namespace's labels (null when unknown), asked at most once and only
     *                        when a rule selects namespaces by label; may be null
     */
    public static AdmissionRequest parse(byte[] body, Function<String, Map<String, String>> namespaceLabels) {
        if (body.length > MAX_BYTES) {
            throw new AdmissionException(413, "the AdmissionReview has " + body.length + " bytes, more than the "
                    + MAX_BYTES + " Trustplane reads");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
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
        Workload workload;
        try {
            workload = Workloads.of(kindNode.path("group").asText(""), kindNode.path("version").asText(""), kind,
                    namespace, object);
        } catch (WorkloadException e) {
            throw new AdmissionException(400, "request.object" + e.path() + " " + e.problem());
        }
        Supplier<Map<String, String>> lookup = null;
        if (namespaceLabels != null && !workload.namespace().isEmpty()) {
            lookup = new LabelLookup(workload.namespace(), namespaceLabels);
        }
        Resource resource = Resource.of(workload, request.path("name").asText(""), operation, request.path("userInfo"),
                request.get("oldObject"), lookup);
        return new AdmissionRequest(uid, operation, request.path("dryRun").asBoolean(false), resource);
    }

    /** Asks for a namespace's labels at most once per request, and only when a rule needs them. */
    private static final class LabelLookup implements Supplier<Map<String, String>> {
        private final String namespace;
        private final Function<String, Map<String, String>> source;
        private boolean asked;
        private Map<String, String> labels;

        LabelLookup(String namespace, Function<String, Map<String, String>> source) {
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
