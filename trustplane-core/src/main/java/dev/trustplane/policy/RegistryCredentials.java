package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.registry.CredentialProvider;
import dev.trustplane.oci.registry.DockerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The registry credentials of one image check, as Kyverno gathers them: the pod's
 * {@code imagePullSecrets} (in its namespace), then the entry's {@code imageRegistryCredentials.secrets}
 * (in Trustplane's own namespace), then the server's. Each is a {@code kubernetes.io/dockerconfigjson}
 * (or the older {@code dockercfg}) Secret read through the API; one that is missing or cannot be
 * read makes the check an error, as Kyverno's "failed to fetch secrets" — unless there is no
 * cluster to read from at all ({@code policy test}), when the server's credentials are used alone.
 * Credentials never appear in messages.
 */
final class RegistryCredentials {
    private RegistryCredentials() {
    }

    /** {@code verifier} with the request's pull secrets first, or itself when there are none. */
    static ImageVerifier forCheck(ImageVerifier verifier, Resource r, ImageRule entry, ContextSource source) {
        List<String[]> secrets = new ArrayList<>();
        JsonNode pod = r.pod() != null ? r.pod() : r.object();
        for (JsonNode s : pod == null ? List.<JsonNode>of() : iterable(pod.path("spec").path("imagePullSecrets"))) {
            if (s.hasNonNull("name") && !s.path("name").asText().isEmpty()) {
                secrets.add(new String[] {r.namespace() == null || r.namespace().isEmpty() ? "default" : r.namespace(),
                        s.path("name").asText()});
            }
        }
        entry.registrySecrets().forEach(name -> secrets.add(new String[] {source.home(), name}));
        if (secrets.isEmpty()) {
            return verifier;
        }
        List<CredentialProvider> providers = new ArrayList<>();
        StringBuilder fingerprint = new StringBuilder();
        for (String[] ref : secrets) {
            JsonNode secret;
            try {
                secret = source.secret(ref[0], ref[1]);
            } catch (TrustplaneException e) {
                if (e.kind() == ErrorKind.UNSUPPORTED) {
                    continue; // no cluster to read it from (policy test): the server's credentials only
                }
                throw new TrustplaneException(e.kind(), "registry credentials: " + e.getMessage());
            }
            if (secret == null) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "registry credentials: the pull Secret " + ref[0] + "/"
                        + ref[1] + " does not exist");
            }
            String type = secret.path("type").asText("");
            String key = type.equals("kubernetes.io/dockercfg") ? ".dockercfg" : ".dockerconfigjson";
            JsonNode data = secret.path("data").get(key);
            if (data == null || !data.isTextual()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "registry credentials: Secret " + ref[0] + "/"
                        + ref[1] + " has no " + key + " (a kubernetes.io/dockerconfigjson Secret is expected)");
            }
            try {
                JsonNode config = Json.mapper().readTree(Base64.getDecoder().decode(data.asText()));
                providers.add(DockerConfig.inline(config, "Secret " + ref[0] + "/" + ref[1]));
            } catch (IOException | IllegalArgumentException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "registry credentials: Secret " + ref[0] + "/"
                        + ref[1] + " does not hold a Docker config");
            }
            fingerprint.append(ref[0]).append('/').append(ref[1]).append('@')
                    .append(secret.path("metadata").path("resourceVersion").asText(Integer.toHexString(data.asText()
                            .hashCode()))).append(';');
        }
        return providers.isEmpty() ? verifier
                : verifier.withCredentials(CredentialProvider.chain(providers), fingerprint.toString());
    }

    private static Iterable<JsonNode> iterable(JsonNode list) {
        List<JsonNode> out = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(out::add);
        }
        return out;
    }
}
