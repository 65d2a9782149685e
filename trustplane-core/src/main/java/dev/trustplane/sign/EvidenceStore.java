package dev.trustplane.sign;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import java.util.List;
import java.util.Optional;

/**
 * Where signatures and attestations of an image live: the image's registry repository or OCI
 * layout. Reads are verified against their digests and bounded; writes store blobs before the
 * manifest that names them.
 */
public interface EvidenceStore {

    static EvidenceStore open(Location location, RegistryClient client) {
        return switch (location) {
            case Location.Registry r -> new RegistryEvidenceStore(r.reference(), client);
            case Location.Layout l -> new LayoutEvidenceStore(l.dir());
        };
    }

    /** The repository name statements and simple-signing payloads carry ({@code host/repo}, or the layout path). */
    String name();

    Optional<RawManifest> tagged(String tag);

    /** Stores {@code blobs}, then the manifest under {@code tag}. */
    void putTagged(String tag, RawManifest manifest, List<byte[]> blobs);

    /** Stores {@code blobs}, then the manifest, discoverable as a referrer of its subject. */
    void putReferrer(RawManifest manifest, List<byte[]> blobs);

    /** Referrer descriptors of {@code subject}: referrers API, fallback tag index, or a layout's index. */
    List<Descriptor> referrers(Digest subject);

    /** A manifest by digest, verified. */
    RawManifest manifest(Descriptor descriptor);

    /** A blob read whole and verified; a blob larger than {@code maxBytes} is refused before it is read. */
    byte[] blob(Descriptor descriptor, long maxBytes);
}
