package dev.trustplane.oci.transfer;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.VerifyingInputStream;
import dev.trustplane.oci.layout.LayoutEntry;
import dev.trustplane.oci.layout.OciLayout;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads images from an OCI layout directory. */
final class LayoutSource implements ImageSource {
    private final Location.Layout location;
    private final OciLayout layout;

    LayoutSource(Location.Layout location) {
        this.location = location;
        this.layout = OciLayout.open(location.dir());
    }

    @Override
    public Location location() {
        return location;
    }

    @Override
    public RawManifest resolve() {
        Descriptor root;
        if (location.digest() != null) {
            root = layout.resolveDigest(location.digest()).orElseThrow(() -> new TrustplaneException(
                    ErrorKind.NOT_FOUND, "OCI layout " + location.dir() + " has no manifest " + location.digest()
                    + "; `trustplane inspect oci:" + location.dir() + "` lists what it holds"));
        } else if (location.tag() != null) {
            root = layout.resolveTag(location.tag()).orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND,
                    "OCI layout " + location.dir() + " has no image tagged \"" + location.tag() + "\"; it has: "
                    + tags()));
        } else {
            List<LayoutEntry> entries = layout.entries().stream().filter(e -> e.refName() != null).toList();
            if (entries.size() != 1) {
                throw new TrustplaneException(entries.isEmpty() ? ErrorKind.NOT_FOUND : ErrorKind.INVALID_INPUT,
                        "OCI layout " + location.dir() + " holds " + entries.size() + " tagged images; name one as"
                        + " oci:" + location.dir() + ":TAG (tags: " + tags() + ")");
            }
            root = entries.get(0).descriptor();
        }
        return layout.readManifest(root);
    }

    @Override
    public RawManifest manifest(Descriptor descriptor) {
        return layout.readManifest(descriptor);
    }

    @Override
    public VerifyingInputStream blob(Descriptor descriptor) {
        return layout.openBlob(descriptor.digest(), descriptor.size());
    }

    @Override
    public byte[] readBlob(Descriptor descriptor, long maxBytes) {
        return layout.readBlob(descriptor.digest(), descriptor.size(), maxBytes);
    }

    @Override
    public Optional<Path> blobFile(Descriptor descriptor) {
        return layout.hasBlob(descriptor.digest()) ? Optional.of(layout.blobPath(descriptor.digest()))
                : Optional.empty();
    }

    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) {
        return layout.referrers(subject, artifactType);
    }

    @Override
    public String referrersSource(Digest subject) {
        return "layout index.json";
    }

    private String tags() {
        List<String> tags = layout.entries().stream().map(LayoutEntry::refName).filter(t -> t != null).toList();
        return tags.isEmpty() ? "none" : String.join(", ", tags);
    }
}
