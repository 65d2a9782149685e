package dev.trustplane.oci;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An OCI image manifest or Docker v2 schema 2 manifest; {@code extra} keeps unknown fields. */
public record ImageManifest(
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations,
        Map<String, Object> extra) implements Manifest {

    public ImageManifest {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(config, "config");
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /** An OCI 1.1 artifact manifest: empty config, the given layers, optionally a subject. */
    public static ImageManifest artifact(String artifactType, List<Descriptor> layers, Descriptor subject,
            Map<String, String> annotations) {
        Descriptor emptyConfig = Descriptor.of(MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_JSON);
        List<Descriptor> blobs = layers.isEmpty() ? List.of(emptyConfig) : layers;
        return new ImageManifest(MediaTypes.OCI_MANIFEST, artifactType, emptyConfig, blobs, subject, annotations,
                Map.of());
    }

    /** Total size of config and layers (the manifest itself excluded). */
    public long contentSize() {
        long total = config.size();
        for (Descriptor layer : layers) {
            total += layer.size();
        }
        return total;
    }
}
