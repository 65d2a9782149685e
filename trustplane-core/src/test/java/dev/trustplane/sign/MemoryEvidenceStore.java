package dev.trustplane.sign;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.verify.Evidence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Evidence held in memory: what "blobs cached" means for the verification benchmark. */
final class MemoryEvidenceStore implements EvidenceStore {
    private final Map<String, RawManifest> tags = new ConcurrentHashMap<>();
    private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<Digest, RawManifest> manifests = new ConcurrentHashMap<>();
    private final Map<Digest, List<Descriptor>> referrers = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "memory/app";
    }

    @Override
    public Optional<RawManifest> tagged(String tag) {
        return Optional.ofNullable(tags.get(tag));
    }

    @Override
    public void putBlobs(List<byte[]> content) {
        content.forEach(b -> blobs.put(Digest.sha256(b), b));
    }

    @Override
    public void putTagged(String tag, RawManifest manifest) {
        manifests.put(manifest.digest(), manifest);
        tags.put(tag, manifest);
    }

    @Override
    public void putReferrer(RawManifest manifest) {
        manifests.put(manifest.digest(), manifest);
        Manifest m = manifest.parse();
        referrers.computeIfAbsent(m.subject().digest(), d -> new ArrayList<>())
                .add(manifest.descriptor().withArtifactType(m.effectiveArtifactType()).withAnnotations(m.annotations()));
    }

    private final ReentrantLock writer = new ReentrantLock();

    @Override
    public <T> T exclusive(String tag, Supplier<T> action) {
        writer.lock();
        try {
            return action.get();
        } finally {
            writer.unlock();
        }
    }

    @Override
    public List<Descriptor> referrers(Digest subject) {
        return referrers.getOrDefault(subject, List.of());
    }

    /** Manifests fetched by digest (referrers), to see what discovery reads. */
    final List<Digest> fetched = Collections.synchronizedList(new ArrayList<>());

    @Override
    public RawManifest manifest(Descriptor descriptor) {
        fetched.add(descriptor.digest());
        return manifests.get(descriptor.digest());
    }

    /** Blobs read, to see what discovery fetches. */
    final List<Digest> blobsRead = Collections.synchronizedList(new ArrayList<>());

    @Override
    public byte[] blob(Descriptor descriptor, long maxBytes) {
        blobsRead.add(descriptor.digest());
        return blobs.get(descriptor.digest());
    }
}
