package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.util.List;
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
    private static final ObjectMapper JSON = Json.mapper();

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

    /**
     * The bytes of a {@code .sig} layer without fetching them, when they are the payload cosign
     * and Trustplane write for a signature without annotations on {@code image} in
     * {@code repository}: the candidate is serialised and kept only if its SHA-256 and size are
     * those of the layer descriptor, which is exactly the check a fetched blob must pass. Saves
     * one registry round trip per signature on the admission path; anything else (annotations,
     * another reference spelling, another digest algorithm) is fetched as before.
     */
    public static Optional<byte[]> predictedPayload(Descriptor layer, Digest image, String repository) {
        if (layer.digest().algorithm() != Digest.Algorithm.SHA256 || layer.size() > 4096) {
            return Optional.empty();
        }
        for (String reference : referenceSpellings(repository)) {
            byte[] candidate = new SimpleSigning(reference, image, TYPE, Map.of()).toJson();
            if (candidate.length == layer.size() && Digest.sha256(candidate).equals(layer.digest())) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** How signers spell a repository in {@code docker-reference}: as named, and cosign's Docker Hub host. */
    private static List<String> referenceSpellings(String repository) {
        if (repository.startsWith("docker.io/")) {
            return List.of(repository, "index." + repository);
        }
        return List.of(repository);
    }

    /** Parses signed payload bytes; empty when they are not a simple-signing document. */
    public static Optional<SimpleSigning> parse(byte[] payload) {
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
