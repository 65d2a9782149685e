package dev.trustplane.oci.layout;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds the manifests of a layout that name a subject, as the image-layout spec 1.1 lists them. */
final class LayoutReferrers {
    private final OciLayout layout;
    private final OciLimits limits;

    LayoutReferrers(OciLayout layout, OciLimits limits) {
        this.layout = layout;
        this.limits = limits;
    }

    List<Descriptor> find(Digest subject, String artifactType) {
        List<Descriptor> found = new ArrayList<>();
        for (Descriptor d : layout.index().manifests()) {
            if (!MediaTypes.isManifest(d.mediaType()) || !layout.hasBlob(d.digest())) {
                continue;
            }
            Manifest m = layout.readManifest(d).parse(limits, d.digest() + " in " + layout.root());
            if (m.subject() == null || !m.subject().digest().equals(subject)) {
                continue;
            }
            String type = m.artifactType() != null ? m.artifactType() : configType(m);
            if (artifactType != null && !artifactType.equals(type)) {
                continue;
            }
            Map<String, String> annotations = new HashMap<>(m.annotations());
            found.add(Descriptor.of(d.mediaType(), d.digest(), d.size()).withArtifactType(type)
                    .withAnnotations(annotations));
        }
        return found;
    }

    /** The OCI 1.1 rule: without artifactType, a manifest's config media type is its artifact type. */
    private static String configType(Manifest m) {
        return m instanceof ImageManifest im ? im.config().mediaType() : null;
    }
}
