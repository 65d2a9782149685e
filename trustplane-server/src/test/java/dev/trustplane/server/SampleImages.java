package dev.trustplane.server;

import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small single-layer images for the webhook's tests and load generator, pushed to a real registry. */
public final class SampleImages {
    private SampleImages() {
    }

    /**
     * Writes an image with one random layer of {@code layerBytes} (distinct per {@code seed}) into an
     * OCI layout under {@code work}, copies it to {@code registryHost/repo:v1} and returns it pinned.
     */
    public static ImageReference push(RegistryClient client, String registryHost, Path work, String repo, long seed,
            int layerBytes) {
        Path dir = work.resolve("img" + seed);
        OciLayout layout = OciLayout.openOrCreate(dir);
        byte[] layer = new byte[layerBytes];
        new Random(seed).nextBytes(layer);
        layout.writeBlob(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        layout.writeBlob(config);
        RawManifest raw = new ImageManifest(MediaTypes.OCI_MANIFEST, null, Descriptor.of(MediaTypes.OCI_CONFIG, config),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER, layer)), null, Map.of(), Map.of()).toRaw();
        layout.writeManifest(raw);
        layout.tag("v1", raw.descriptor());
        String ref = registryHost + "/" + repo + ":v1";
        new ImageCopier(client, EventListener.NONE, 2).copy(Location.parse("oci:" + dir + ":v1"), Location.parse(ref));
        return ImageReference.parse(ref).pinned(raw.digest());
    }
}
