package dev.trustplane.oci.layout;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import java.util.ArrayList;
import java.util.List;

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
            String type = m.effectiveArtifactType();
            if (artifactType != null && !artifactType.equals(type)) {
                continue;
            }
            found.add(Descriptor.of(d.mediaType(), d.digest(), d.size()).withArtifactType(type)
                    .withAnnotations(m.annotations()));
        }
        return found;
    }
}
