package dev.trustplane.oci.transfer;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/** Writes into an OCI layout, created when missing; index.json is updated only at the end. */
final class LayoutSink implements ImageSink {
    private final Location.Layout location;
    private final OciLayout layout;

    LayoutSink(Location.Layout location) {
        this.location = location;
        this.layout = OciLayout.openOrCreate(location.dir());
    }

    @Override
    public Location location() {
        return location;
    }

    @Override
    public <T> T session(Supplier<T> work) {
        return layout.locked(work);
    }

    @Override
    public boolean hasBlob(Descriptor blob) {
        return layout.hasBlob(blob.digest()) && layout.blobSize(blob.digest()) == blob.size();
    }

    @Override
    public boolean putBlob(Descriptor blob, ImageSource source, ProgressTracker progress) {
        try (InputStream in = progress.track(blob, source.blob(blob))) {
            layout.writeBlob(blob.digest(), blob.size(), in);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Copying blob "
                    + blob.digest() + " into " + location + " failed: " + e.getMessage(), e);
        }
        return false;
    }

    @Override
    public boolean hasManifest(Descriptor manifest) {
        return hasBlob(manifest);
    }

    @Override
    public void putManifest(RawManifest manifest) {
        layout.writeManifest(manifest);
    }

    @Override
    public void putRoot(RawManifest root, String tag) {
        layout.writeManifest(root);
        if (tag != null) {
            layout.tag(tag, root.descriptor());
        } else {
            layout.addUntagged(root.descriptor());
        }
    }
}
