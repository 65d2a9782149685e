package dev.trustplane.oci.transfer;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** Pushes into a registry repository, mounting blobs from the source repository when both share a registry. */
final class RegistrySink implements ImageSink {
    private final Location.Registry location;
    private final RegistryClient client;

    RegistrySink(Location.Registry location, RegistryClient client) {
        this.location = location;
        this.client = client;
    }

    @Override
    public Location location() {
        return location;
    }

    @Override
    public <T> T session(Supplier<T> work) {
        return work.get();
    }

    @Override
    public boolean hasBlob(Descriptor blob) {
        return client.hasBlob(location.reference(), blob.digest());
    }

    @Override
    public boolean putBlob(Descriptor blob, ImageSource source, ProgressTracker progress) {
        ImageReference target = location.reference();
        if (source instanceof RegistrySource rs && rs.reference().registry().equals(target.registry())
                && !rs.reference().repository().equals(target.repository())) {
            return client.mountOrPush(target, blob, rs.reference().repository(),
                    () -> progress.track(blob, source.blob(blob)));
        }
        Optional<Path> file = source.blobFile(blob);
        if (file.isPresent()) {
            // Straight from the file: the HTTP client reads it with no intermediate stream copy.
            client.pushBlob(target, blob, file.get());
            progress.completed(blob);
        } else {
            client.pushBlob(target, blob, () -> progress.track(blob, source.blob(blob)));
        }
        return false;
    }

    @Override
    public boolean hasManifest(Descriptor manifest) {
        return client.head(location.reference().pinned(manifest.digest()))
                .map(d -> d.digest().equals(manifest.digest())).orElse(false);
    }

    @Override
    public void putManifest(RawManifest manifest) {
        client.putManifest(location.reference().pinned(manifest.digest()), manifest);
    }

    @Override
    public void putRoot(RawManifest root, String tag) {
        ImageReference target = tag != null ? location.reference().withDigest(null).withTag(tag)
                : location.reference().pinned(root.digest());
        client.putManifest(target, root);
    }
}
