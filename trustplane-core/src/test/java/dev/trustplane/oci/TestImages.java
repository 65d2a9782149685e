package dev.trustplane.oci;

import dev.trustplane.oci.layout.OciLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Writes small synthetic images into layouts for tests. */
public final class TestImages {
    private TestImages() {
    }

    /** An image with {@code layers} random layers of {@code size} bytes each (seeded: same bytes every run). */
    public static RawManifest write(OciLayout layout, String tag, int layers, int size, long seed) {
        Random random = new Random(seed);
        List<Descriptor> descriptors = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            layout.writeBlob(content);
            descriptors.add(Descriptor.of(MediaTypes.OCI_LAYER, content));
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"65532\"},\"rootfs\":"
                + "{\"type\":\"layers\",\"diff_ids\":[]},\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        layout.writeBlob(config);
        RawManifest raw = new ImageManifest(MediaTypes.OCI_MANIFEST, null, Descriptor.of(MediaTypes.OCI_CONFIG, config),
                descriptors, null, Map.of(), Map.of()).toRaw();
        layout.writeManifest(raw);
        if (tag != null) {
            layout.tag(tag, raw.descriptor());
        }
        return raw;
    }
}
