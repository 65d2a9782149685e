package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.List;
import java.util.Map;

/**
 * A cluster for context lookups in tests: Secrets by {@code namespace/name}, API paths by path
 * (a missing one answers 404); every Secret asked for is noted in {@code asked}.
 */
record ClusterStub(Map<String, JsonNode> secrets, Map<String, JsonNode> paths, List<String> asked)
        implements ContextSource {

    @Override
    public JsonNode configMap(String namespace, String name) {
        return null;
    }

    @Override
    public JsonNode get(String urlPath) {
        asked.add(urlPath);
        JsonNode answer = paths.get(urlPath);
        if (answer == null) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "GET " + urlPath + " answered 404");
        }
        return answer;
    }

    @Override
    public JsonNode secret(String namespace, String name) {
        asked.add(namespace + "/" + name);
        return secrets.get(namespace + "/" + name);
    }
}
