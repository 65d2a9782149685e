package dev.trustplane.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The "simple signing" payload cosign signs for an image: {@code critical.identity.docker-reference},
 * {@code critical.image.docker-manifest-digest}, {@code critical.type} and optional annotations.
 */
public record SimpleSigning(String dockerReference, Digest manifestDigest, String type, Map<String, String> optional) {
    public static final String TYPE = "cosign container image signature";
    /** cosign v3 writes this type in its bundles' statements; accepted when reading. */
    public static final String TYPE_V3 = "https://sigstore.dev/cosign/sign/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public SimpleSigning {
        optional = optional == null ? Map.of() : Map.copyOf(optional);
    }

    /** The exact bytes to sign, shaped as cosign writes them ({@code "optional":null} without annotations). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
        critical.put("type", type);
        if (optional.isEmpty()) {
            root.putNull("optional");
        } else {
            ObjectNode o = root.putObject("optional");
            new TreeMap<>(optional).forEach(o::put);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses signed payload bytes; empty when they are not a simple-signing document. */
    static Optional<SimpleSigning> parse(byte[] payload) {
        try {
            JsonNode root = JSON.readTree(payload);
            JsonNode critical = root == null ? null : root.get("critical");
            if (critical == null || !critical.isObject()) {
                return Optional.empty();
            }
            String digest = critical.path("image").path("docker-manifest-digest").asText("");
            if (!Digest.isDigest(digest)) {
                return Optional.empty();
            }
            Map<String, String> optional = new TreeMap<>();
            JsonNode o = root.get("optional");
            if (o != null && o.isObject()) {
                o.fields().forEachRemaining(e -> optional.put(e.getKey(), e.getValue().isTextual()
                        ? e.getValue().asText() : e.getValue().toString()));
            }
            return Optional.of(new SimpleSigning(critical.path("identity").path("docker-reference").asText(""),
                    Digest.parse(digest), critical.path("type").asText(""), optional));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
