package dev.trustplane.sigstore;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

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

    /** Stores blobs (a manifest's config and layers) before the manifest that names them. */
    void putBlobs(List<byte[]> blobs);

    /** Stores the manifest under {@code tag}; its blobs must be stored already. */
    void putTagged(String tag, RawManifest manifest);

    /** Stores the manifest, discoverable as a referrer of its subject; its blobs must be stored already. */
    void putReferrer(RawManifest manifest);

    /** Referrer descriptors of {@code subject}: referrers API, fallback tag index, or a layout's index. */
    List<Descriptor> referrers(Digest subject);

    /** A manifest by digest, verified. */
    RawManifest manifest(Descriptor descriptor);

    /**
     * Runs a read-modify-write of {@code tag} exclusively: an OCI layout's writer lock excludes
     * every other writer of the layout; in a registry only writers in this process take turns
     * ({@code TagLocks} of the registry client), and callers re-read the tag to detect
     * updates lost to writers elsewhere.
     */
    <T> T exclusive(String tag, Supplier<T> action);

    /** A blob read whole and verified; a blob larger than {@code maxBytes} is refused before it is read. */
    byte[] blob(Descriptor descriptor, long maxBytes);
}
