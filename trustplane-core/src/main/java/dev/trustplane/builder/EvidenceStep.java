package dev.trustplane.builder;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.sbom.SbomGenerator;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sign.Signer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last build step with {@code --sign}: for every image of a variant (the index and each
 * platform manifest) a signature and an SLSA v1 provenance attestation, and for each platform
 * manifest its CycloneDX and SPDX SBOMs as attestations. The SBOMs are read from the build layout.
 */
final class EvidenceStep {
    private final Signer signer;
    private final ImageSpec spec;
    private final Lockfile lock;
    private final Provenance.Run run;
    private final OciLayout layout;
    private final Set<Signer.Format> formats;

    public EvidenceStep(Signer signer, ImageSpec spec, Lockfile lock, Provenance.Run run, OciLayout layout,
            Set<Signer.Format> formats) {
        this.signer = signer;
        this.spec = spec;
        this.lock = lock;
        this.run = run;
        this.layout = layout;
        this.formats = formats;
    }

    /** Signs and attests one variant; returns everything stored. */
    public List<Signer.Stored> run(BuildResult.Variant variant) {
        List<Signer.Stored> stored = new ArrayList<>();
        List<String> allArchitectures = new ArrayList<>(variant.manifests().keySet());
        if (MediaTypes.isIndex(variant.descriptor().mediaType())) {
            stored.addAll(signer.sign(variant.descriptor(), Map.of(), formats));
            stored.addAll(signer.attest(variant.descriptor(), Provenance.PREDICATE_TYPE,
                    Provenance.predicate(spec, lock, variant.name(), allArchitectures, run), formats));
        }
        for (Map.Entry<String, Descriptor> e : variant.manifests().entrySet()) {
            Descriptor image = e.getValue();
            stored.addAll(signer.sign(image, Map.of(), formats));
            stored.addAll(signer.attest(image, Provenance.PREDICATE_TYPE,
                    Provenance.predicate(spec, lock, variant.name(), List.of(e.getKey()), run), formats));
            for (Descriptor sbom : variant.sboms()) {
                Manifest m = layout.readManifest(sbom).parse();
                if (m instanceof ImageManifest artifact && artifact.subject() != null
                        && artifact.subject().digest().equals(image.digest()) && !artifact.layers().isEmpty()) {
                    Descriptor layer = artifact.layers().get(0);
                    String type = layer.mediaType().equals(SbomGenerator.CYCLONEDX_MEDIA_TYPE) ? PredicateTypes.CYCLONEDX
                            : layer.mediaType().equals(SbomGenerator.SPDX_MEDIA_TYPE) ? PredicateTypes.SPDX : null;
                    if (type != null) {
                        stored.addAll(signer.attest(image, type, layout.readBlob(layer.digest(), 256L << 20),
                                formats));
                    }
                }
            }
        }
        return stored;
    }
}
