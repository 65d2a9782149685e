package dev.trustplane.oci.transfer;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.VerifyingInputStream;
import dev.trustplane.oci.registry.RegistryClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Read access to images in a layout or a registry, through one interface. */
public interface ImageSource {

    /** Opens a location for reading; registry locations go through {@code client}. */
    static ImageSource open(Location location, RegistryClient client) {
        return switch (location) {
            case Location.Layout l -> new LayoutSource(l);
            case Location.Registry r -> new RegistrySource(r, client);
        };
    }

    Location location();

    /** The manifest the location names (tag, digest, or a layout's only image). */
    RawManifest resolve();

    /**
     * The image the location names: the resolved manifest, or for an index its image for
     * {@code platform} (linux/amd64 when null).
     */
    default Descriptor image(Platform platform) {
        RawManifest root = resolve();
        if (!(root.parse() instanceof ImageIndex index)) {
            return root.descriptor();
        }
        Platform want = platform == null ? Platform.of("linux", "amd64")
                : platform;
        return index.manifests().stream().filter(d -> d.platform() != null && d.platform().matches(want))
                .findFirst().orElseThrow(() -> new TrustplaneException(
                        ErrorKind.NOT_FOUND, "Image " + location() + " has no " + want
                        + " image in its index; pick one of its platforms with --platform"));
    }

    /** A manifest by descriptor, verified against its digest. */
    RawManifest manifest(Descriptor descriptor);

    /** A blob stream that fails at its end unless digest and size match. */
    VerifyingInputStream blob(Descriptor descriptor);

    /** A small blob read whole and verified (configs, artifact payloads), at most {@code maxBytes}. */
    byte[] readBlob(Descriptor descriptor, long maxBytes);

    /** The file holding the blob, when the source is local (lets uploads stream from disk). */
    default Optional<Path> blobFile(Descriptor descriptor) {
        return Optional.empty();
    }

    /** Manifests whose subject is {@code subject}. */
    List<Descriptor> referrers(Digest subject, String artifactType);

    /** Where the referrers came from, for display ("referrers API", "fallback tag", "layout index"). */
    String referrersSource(Digest subject);
}
