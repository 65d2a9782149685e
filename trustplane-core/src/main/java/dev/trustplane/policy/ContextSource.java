package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a rule's {@code context} entries read the cluster: ConfigMaps and read-only API paths.
 * The webhook answers from the Kubernetes API ({@code admission.KubernetesContext}); {@code policy
 * test} and {@code policy lint} from the ConfigMaps kept beside the policies. A source that cannot
 * answer throws, which makes the rule an error (denied under Enforce), never a skipped rule.
 */
public interface ContextSource {

    /** The ConfigMap object, or null when it does not exist; throws when the source cannot say. */
    JsonNode configMap(String namespace, String name);

    /** The JSON a {@code GET} of {@code urlPath} on the Kubernetes API answers; throws when it cannot. */
    JsonNode get(String urlPath);

    /**
     * The Secret object (its {@code data} base64, as the API gives it), or null when it does not
     * exist; throws when the source cannot say. Only an attestor's {@code keys.secret} (cosign's
     * {@code k8s://NAMESPACE/NAME}) reads Secrets.
     */
    default JsonNode secret(String namespace, String name) {
        throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Secret " + namespace + "/" + name + " cannot be read:"
                + " no Kubernetes API is configured (run the server in the cluster or with --kube-api)");
    }

    /** The namespace Trustplane runs in: where a policy's {@code imageRegistryCredentials.secrets} live. */
    default String home() {
        return "trustplane";
    }

    /** No cluster to ask: every lookup is an error naming what would answer it. */
    ContextSource NONE = new ContextSource() {
        @Override
        public JsonNode configMap(String namespace, String name) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "ConfigMap " + namespace + "/" + name
                    + " cannot be read: no Kubernetes API is configured (run the server in the cluster or with"
                    + " --kube-api, or keep the ConfigMap in a file beside the policies)");
        }

        @Override
        public JsonNode get(String urlPath) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "the API call " + urlPath + " cannot be made: no"
                    + " Kubernetes API is configured (run the server in the cluster or with --kube-api)");
        }
    };

    /**
     * ConfigMaps given as objects (the documents kept beside the policies), answered first; what
     * they do not hold is asked of {@code fallback}.
     */
    static ContextSource of(List<JsonNode> configMaps, ContextSource fallback) {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode c : configMaps) {
            String ns = c.path("metadata").path("namespace").asText("");
            byName.put((ns.isEmpty() ? "default" : ns) + "/" + c.path("metadata").path("name").asText(), c);
        }
        if (byName.isEmpty()) {
            return fallback;
        }
        return new ContextSource() {
            @Override
            public JsonNode configMap(String namespace, String name) {
                JsonNode c = byName.get(namespace + "/" + name);
                return c != null ? c : fallback.configMap(namespace, name);
            }

            @Override
            public JsonNode secret(String namespace, String name) {
                return fallback.secret(namespace, name);
            }

            @Override
            public String home() {
                return fallback.home();
            }

            @Override
            public JsonNode get(String urlPath) {
                String[] p = urlPath.replaceFirst("\\?.*$", "").split("/");
                // /api/v1/namespaces/NS/configmaps/NAME
                if (p.length == 7 && p[1].equals("api") && p[2].equals("v1") && p[3].equals("namespaces")
                        && p[5].equals("configmaps") && byName.containsKey(p[4] + "/" + p[6])) {
                    return byName.get(p[4] + "/" + p[6]);
                }
                return fallback.get(urlPath);
            }
        };
    }
}
