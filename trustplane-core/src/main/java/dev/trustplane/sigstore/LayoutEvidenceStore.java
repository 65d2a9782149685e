package dev.trustplane.sigstore;

import dev.trustplane.error.LimitExceededException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Evidence in an OCI layout: cosign tags as {@code ref.name} entries, referrers listed in {@code index.json}. */
final class LayoutEvidenceStore implements EvidenceStore {
    private final Path dir;

    LayoutEvidenceStore(Path dir) {
        this.dir = dir;
    }

    private OciLayout layout() {
        return OciLayout.open(dir);
    }

    @Override
    public String name() {
        return dir.toAbsolutePath().normalize().toString();
    }

    @Override
    public Optional<RawManifest> tagged(String tag) {
        OciLayout layout = layout();
        return layout.resolveTag(tag).map(layout::readManifest);
    }

    @Override
    public void putBlobs(List<byte[]> blobs) {
        OciLayout layout = layout();
        blobs.forEach(layout::writeBlob);
    }

    @Override
    public void putTagged(String tag, RawManifest manifest) {
        OciLayout layout = layout();
        layout.writeManifest(manifest);
        layout.locked(() -> {
            layout.tag(tag, manifest.descriptor());
            return null;
        });
    }

    @Override
    public void putReferrer(RawManifest manifest) {
        OciLayout layout = layout();
        layout.writeManifest(manifest);
        Manifest parsed = manifest.parse();
        layout.locked(() -> {
            if (!layout.index().contains(manifest.digest())) {
                layout.addUntagged(manifest.descriptor().withArtifactType(parsed.effectiveArtifactType()));
            }
            return null;
        });
    }

    @Override
    public <T> T exclusive(String tag, Supplier<T> action) {
        return layout().locked(action);
    }

    @Override
    public List<Descriptor> referrers(Digest subject) {
        return layout().referrers(subject, null);
    }

    @Override
    public RawManifest manifest(Descriptor descriptor) {
        return layout().readManifest(descriptor);
    }

    @Override
    public byte[] blob(Descriptor descriptor, long maxBytes) {
        if (descriptor.size() > maxBytes) {
            throw new LimitExceededException("max-evidence-bytes", maxBytes, "Blob " + descriptor.digest() + " in "
                    + name() + " (" + descriptor.size() + " bytes)");
        }
        return layout().readBlob(descriptor.digest(), maxBytes);
    }
}
