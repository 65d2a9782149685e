package dev.trustplane.oci;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor. Fields the model does not name are kept in {@code extra} so that a
 * descriptor read and written again loses nothing.
 */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        String artifactType,
        Map<String, String> annotations,
        Platform platform,
        List<String> urls,
        Map<String, Object> extra) {

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("descriptor size must not be negative: " + size);
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        urls = urls == null ? List.of() : List.copyOf(urls);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, Map.of(), null, List.of(), Map.of());
    }

    public static Descriptor of(String mediaType, byte[] content) {
        return of(mediaType, Digest.sha256(content), content.length);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, artifactType, newAnnotations, platform, urls, extra);
    }

    public Descriptor withArtifactType(String newArtifactType) {
        return new Descriptor(mediaType, digest, size, newArtifactType, annotations, platform, urls, extra);
    }

    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, artifactType, annotations, newPlatform, urls, extra);
    }

    public String annotation(String key) {
        return annotations.get(key);
    }
}
