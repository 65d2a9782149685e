package dev.trustplane.sigstore;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.VerifyingInputStream;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.registry.TagLocks;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Evidence in a registry repository: cosign tags, referrers API or its fallback tag. */
final class RegistryEvidenceStore implements EvidenceStore {
    private final ImageReference repo;
    private final RegistryClient client;

    RegistryEvidenceStore(ImageReference reference, RegistryClient client) {
        this.repo = reference;
        this.client = client;
    }

    @Override
    public String name() {
        return repo.name();
    }

    @Override
    public Optional<RawManifest> tagged(String tag) {
        return client.manifest(tagRef(tag));
    }

    @Override
    public void putTagged(String tag, RawManifest manifest) {
        client.putManifestOnce(tagRef(tag), manifest); // CosignTags reads again after a refused reference
    }

    @Override
    public void putReferrer(RawManifest manifest) {
        client.pushReferrer(repo, manifest);
    }

    @Override
    public <T> T exclusive(String tag, Supplier<T> action) {
        return TagLocks.locked(tagRef(tag).toString(), action);
    }

    private ImageReference tagRef(String tag) {
        return new ImageReference(repo.registry(), repo.repository(), tag, null);
    }

    /**
     * Pushes the blobs side by side without asking first whether they exist: they are small and
     * nearly always new (each holds a fresh signature), so a HEAD would mostly cost a round trip;
     * pushing a blob the registry has is harmless. The exception is the empty JSON config every
     * artifact manifest shares, which is nearly always there: for it a HEAD (a read) replaces the
     * upload (two writes, each synced to disk by the distribution registry).
     */
    @Override
    public void putBlobs(List<byte[]> blobs) {
        Parallel.run(blobs.stream().<Runnable>map(blob -> () -> {
            Descriptor d = Descriptor.of("application/octet-stream", blob);
            if (!Arrays.equals(blob, MediaTypes.EMPTY_JSON) || !client.hasBlob(repo, d.digest())) {
                client.pushBlob(repo, d, blob);
            }
        }).toList());
    }

    @Override
    public List<Descriptor> referrers(Digest subject) {
        return client.referrers(repo.pinned(subject), null).manifests();
    }

    @Override
    public RawManifest manifest(Descriptor descriptor) {
        ImageReference ref = repo.pinned(descriptor.digest());
        return client.manifest(ref).orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND,
                "Registry " + repo.registry() + " has no manifest " + descriptor.digest() + " in " + repo.repository()
                        + ", though a referrers list or tag names it"));
    }

    @Override
    public byte[] blob(Descriptor descriptor, long maxBytes) {
        if (descriptor.size() > maxBytes) {
            throw new LimitExceededException("max-evidence-bytes", maxBytes, "Blob " + descriptor.digest() + " in "
                    + name() + " (" + descriptor.size() + " bytes)");
        }
        try (VerifyingInputStream in = client.openBlob(repo, descriptor)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Could not read blob " + descriptor.digest()
                    + " from " + name() + ": " + e.getMessage(), e);
        }
    }
}
