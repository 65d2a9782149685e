package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.transfer.ImageSource;
import java.util.List;

/** Finds the CycloneDX SBOM attached to an image (as an OCI referrer) and reads it. */
public final class ImageSbom {
    public static final String CYCLONEDX = "application/vnd.cyclonedx+json";
    private static final long MAX_SBOM = 64L << 20;

    private ImageSbom() {
    }

    /** The SBOM bytes of the image (for an index, of the {@code platform} image, linux/amd64 by default). */
    public static byte[] read(ImageSource source, Platform platform) {
        RawManifest root = source.resolve();
        Descriptor image = root.descriptor();
        Manifest parsed = root.parse();
        if (parsed instanceof ImageIndex index) {
            Platform want = platform == null ? Platform.of("linux", "amd64") : platform;
            image = index.manifests().stream().filter(d -> d.platform() != null && d.platform().matches(want))
                    .findFirst().orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND, "Image "
                            + source.location() + " has no " + want + " image in its index"));
        }
        List<Descriptor> sboms = source.referrers(image.digest(), CYCLONEDX);
        if (sboms.isEmpty()) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Image " + source.location() + " (" + image.digest()
                    + ") has no attached CycloneDX SBOM; scan an SBOM file instead (for example trivy's"
                    + " `--format cyclonedx` output)");
        }
        ImageManifest sbom = (ImageManifest) source.manifest(sboms.get(0)).parse();
        Descriptor blob = sbom.layers().stream().filter(l -> CYCLONEDX.equals(l.mediaType())).findFirst()
                .orElse(sbom.layers().get(0));
        return source.readBlob(blob, MAX_SBOM);
    }
}
