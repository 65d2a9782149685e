package dev.trustplane.cli;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.EvidenceStore;
import java.util.ArrayList;
import java.util.List;

/** The image a sign/attest/verify verb works on: its store and the manifest digest(s) it names. */
record SigningTarget(String text, Location location, EvidenceStore store, Descriptor top, List<Descriptor> platforms) {

    static SigningTarget resolve(String image, RegistryClient client) {
        Location location = Location.parse(image);
        RawManifest root = ImageSource.open(location, client).resolve();
        List<Descriptor> platforms = new ArrayList<>();
        if (root.parse() instanceof ImageIndex index) {
            platforms.addAll(index.manifests());
        }
        return new SigningTarget(image, location, EvidenceStore.open(location, client), root.descriptor(), platforms);
    }

    /** The top manifest, and with {@code recursive} every manifest of its index too. */
    List<Descriptor> subjects(boolean recursive) {
        List<Descriptor> all = new ArrayList<>();
        all.add(top);
        if (recursive) {
            all.addAll(platforms);
        }
        return all;
    }

    String pinned(Descriptor d) {
        return store.name() + "@" + d.digest();
    }
}
