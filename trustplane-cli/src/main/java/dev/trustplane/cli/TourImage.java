package dev.trustplane.cli;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny, deterministic image for the tour: one gzip layer with two files, a nonroot
 * configuration, fixed timestamps. The same bytes, and so the same digest, on every machine.
 */
final class TourImage {
    private static final long EPOCH = 1_700_000_000L;

    private TourImage() {
    }

    static RawManifest write(Path dir, String tag) {
        byte[] tar = tar(Map.of(
                "etc/trustplane-tour.txt", "Built by `trustplane tour`: a deterministic demo image.\n",
                "etc/os-release", "NAME=\"Trustplane tour\"\nID=trustplane-tour\n"));
        byte[] layer = gzip(tar);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2023-11-14T22:13:20Z\","
                + "\"config\":{\"User\":\"65532:65532\",\"Env\":[\"PATH=/usr/bin:/bin\"],"
                + "\"Entrypoint\":[\"/bin/true\"],\"WorkingDir\":\"/\","
                + "\"Labels\":{\"org.opencontainers.image.title\":\"trustplane-tour\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256(tar) + "\"]},"
                + "\"history\":[{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"trustplane tour\"}]}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        ImageManifest manifest = new ImageManifest(MediaTypes.OCI_MANIFEST, null,
                Descriptor.of(MediaTypes.OCI_CONFIG, configBytes),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer)), null,
                Map.of("org.opencontainers.image.created", "2023-11-14T22:13:20Z"), Map.of());
        RawManifest raw = manifest.toRaw();
        OciLayout layout = OciLayout.openOrCreate(dir);
        layout.locked(() -> {
            layout.writeBlob(layer);
            layout.writeBlob(configBytes);
            layout.writeManifest(raw);
            layout.tag(tag, raw.descriptor());
            return null;
        });
        return raw;
    }

    private static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(header(e.getKey(), content.length));
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        });
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static byte[] header(String name, long size) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", size), 12);
        put(h, 136, String.format("%011o", EPOCH), 12);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = '0';
        put(h, 257, "ustar", 6);
        put(h, 263, "00", 2);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 7);
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int offset, String value, int length) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, Math.min(b.length, length));
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
