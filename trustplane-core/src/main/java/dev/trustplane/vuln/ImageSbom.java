package dev.trustplane.vuln;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.sbom.PackageDetector;
import dev.trustplane.sbom.SbomGenerator;
import dev.trustplane.sbom.SbomSubject;
import java.time.Instant;
import java.util.List;

/** The CycloneDX SBOM of an image: attached as an OCI referrer, or detected from its layers. */
public final class ImageSbom {
    public static final String CYCLONEDX = "application/vnd.cyclonedx+json";
    private static final long MAX_SBOM = 64L << 20;

    private ImageSbom() {
    }

    private static Platform want(Platform platform) {
        return platform == null ? Platform.of("linux", "amd64") : platform;
    }

    /**
     * The SBOM of the image (for an index, of the {@code platform} image, linux/amd64 by default):
     * the attached CycloneDX referrer, or one made from the package database in its layers.
     */
    public static byte[] read(ImageSource source, Platform platform) {
        return read(source, source.image(platform), platform);
    }

    /** The SBOM of {@code image}, an image manifest of {@code source} already resolved by the caller. */
    public static byte[] read(ImageSource source, Descriptor image, Platform platform) {
        List<Descriptor> sboms = source.referrers(image.digest(), CYCLONEDX);
        if (sboms.isEmpty()) {
            // no SBOM travels with the image: read its package database from the layers instead
            PackageDetector.Detected detected = PackageDetector.detectImage(source, image);
            return SbomGenerator.cycloneDx(new SbomSubject(source.location().toString(), "runtime",
                    Digest.parse(detected.image()), want(platform).architecture(),
                    detected.distro(), Instant.EPOCH), detected.packages());
        }
        ImageManifest sbom = (ImageManifest) source.manifest(sboms.get(0)).parse();
        Descriptor blob = sbom.layers().stream().filter(l -> CYCLONEDX.equals(l.mediaType())).findFirst()
                .orElse(sbom.layers().get(0));
        return source.readBlob(blob, MAX_SBOM);
    }
}
