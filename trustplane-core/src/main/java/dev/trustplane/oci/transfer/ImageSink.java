package dev.trustplane.oci.transfer;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.RawManifest;
import java.util.function.Supplier;

/** Where {@link ImageCopier} writes: blobs first, then manifests, the root manifest and its tag last. */
interface ImageSink {

    Location location();

    /** Runs a whole copy; a layout holds its writer lock for the duration. */
    <T> T session(Supplier<T> work);

    boolean hasBlob(Descriptor blob);

    /** Stores a blob from the source; returns true when it was mounted instead of transferred. */
    boolean putBlob(Descriptor blob, ImageSource source, ProgressTracker progress);

    boolean hasManifest(Descriptor manifest);

    void putManifest(RawManifest manifest);

    /** Stores the root manifest under the destination's tag, or by digest when there is none. */
    void putRoot(RawManifest root, String tag);
}
