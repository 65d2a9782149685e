package dev.trustplane.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An OCI image index or Docker manifest list; {@code extra} keeps unknown fields. */
public record ImageIndex(
        String mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations,
        Map<String, Object> extra) implements Manifest {

    public ImageIndex {
        Objects.requireNonNull(mediaType, "mediaType");
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public static ImageIndex of(List<Descriptor> manifests) {
        return new ImageIndex(MediaTypes.OCI_INDEX, null, manifests, null, Map.of(), Map.of());
    }

    public ImageIndex withManifests(List<Descriptor> newManifests) {
        return new ImageIndex(mediaType, artifactType, newManifests, subject, annotations, extra);
    }

    /** This index with {@code descriptor} appended unless an entry with the same digest is already there. */
    public ImageIndex plus(Descriptor descriptor) {
        for (Descriptor d : manifests) {
            if (d.digest().equals(descriptor.digest())) {
                return this;
            }
        }
        List<Descriptor> list = new ArrayList<>(manifests);
        list.add(descriptor);
        return withManifests(list);
    }

    public boolean contains(Digest digest) {
        return manifests.stream().anyMatch(d -> d.digest().equals(digest));
    }
}
