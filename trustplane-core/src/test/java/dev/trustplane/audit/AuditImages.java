package dev.trustplane.audit;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Images for the audit's tests and bench: built at a given time, with an SBOM referrer, signed or not. */
final class AuditImages {
    private AuditImages() {
    }

    /** Pushes an image built at {@code created} under {@code ref}; returns its digest. */
    static String push(RegistryClient client, ImageReference ref, Instant created, byte[] sbom, SigningKey key,
            long seed) {
        byte[] layer = new byte[256];
        new Random(seed).nextBytes(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"" + created + "\",\"rootfs\":"
                + "{\"type\":\"layers\",\"diff_ids\":[]},\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        Descriptor configBlob = Descriptor.of(MediaTypes.OCI_CONFIG, config);
        Descriptor layerBlob = Descriptor.of(MediaTypes.OCI_LAYER, layer);
        client.pushBlob(ref, configBlob, config);
        client.pushBlob(ref, layerBlob, layer);
        RawManifest image = new ImageManifest(MediaTypes.OCI_MANIFEST, null, configBlob, List.of(layerBlob), null,
                Map.of(), Map.of()).toRaw();
        client.putManifest(ref, image);
        if (sbom != null) {
            Descriptor blob = Descriptor.of("application/vnd.cyclonedx+json", sbom);
            client.pushBlob(ref, blob, sbom);
            client.pushBlob(ref, Descriptor.of(MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_JSON), MediaTypes.EMPTY_JSON);
            client.pushReferrer(ref, ImageManifest.artifact("application/vnd.cyclonedx+json", List.of(blob),
                    image.descriptor(), Map.of()).toRaw());
        }
        if (key != null) {
            new Signer(EvidenceStore.open(new Location.Registry(ref.pinned(image.digest())), client), key,
                    Clock.systemUTC()).sign(image.descriptor(), Map.of(), Set.of(Signer.Format.TAG));
        }
        return image.digest().toString();
    }
}
