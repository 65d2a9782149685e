package dev.trustplane.oci;

import java.util.Map;

/** A parsed image manifest or image index. The bytes that were hashed stay in {@link RawManifest}. */
public sealed interface Manifest permits ImageManifest, ImageIndex {

    String mediaType();

    String artifactType();

    Descriptor subject();

    Map<String, String> annotations();

    /** The OCI 1.1 rule: {@code artifactType}, else an image manifest's config media type. */
    default String effectiveArtifactType() {
        if (artifactType() != null) {
            return artifactType();
        }
        return this instanceof ImageManifest m ? m.config().mediaType() : null;
    }

    /** Serialises to compact JSON. Only for manifests Trustplane creates; read manifests keep their bytes. */
    default byte[] toJson() {
        return OciJson.write(this);
    }

    default RawManifest toRaw() {
        return RawManifest.of(toJson(), mediaType());
    }
}
