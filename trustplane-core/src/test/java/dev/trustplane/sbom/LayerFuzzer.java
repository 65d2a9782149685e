package dev.trustplane.sbom;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.VerifyingInputStream;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.fuzz.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * One image layer through package detection: the first byte picks how the layer claims to be
 * compressed (gzip — inflated whole and walked in place by {@link MemoryTar}; zstd; plain tar —
 * both streamed through {@link StreamedTar}), the rest is the blob. Covers gzip, zstd, both tar
 * readers, dpkg status files, os-release, jar, npm and Python metadata. Detection either refuses
 * the layer with a message or lists packages; it never throws anything else.
 */
public final class LayerFuzzer {
    private static final String[] TYPES = {MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_ZSTD,
        "application/vnd.oci.image.layer.v1.tar"};
    private static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private LayerFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] blob = Arrays.copyOfRange(data, 1, data.length);
        Descriptor layer = Descriptor.of(TYPES[(data[0] & 0xff) % TYPES.length], blob);
        try {
            PackageDetector.detect(new MemorySource(layer, blob), null);
        } catch (TrustplaneException refused) {
            // refused with a message
        }
    }

    public static List<byte[]> seeds() throws IOException {
        byte[] status = PackageDetectorTest.layer(
                new String[] {"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", null},
                new String[] {"etc/os-release", null, "../usr/lib/os-release"},
                new String[] {"var/lib/dpkg/status", "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n"
                        + "Architecture: amd64\nSource: bash (5.2.15-2)\n\n", null},
                new String[] {"var/lib/dpkg/status.d/libssl3", "Package: libssl3\nVersion: 3.0.11-1~deb12u2\n"
                        + "Architecture: amd64\nSource: openssl\n", null},
                new String[] {"usr/lib/node_modules/x/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}", null},
                new String[] {"usr/lib/python3/dist-packages/y-2.0.dist-info/METADATA", "Name: y\nVersion: 2.0\n", null},
                new String[] {"var/lib/dpkg/status.d/.wh.tzdata", "", null});
        byte[] tar = new GZIPInputStream(new ByteArrayInputStream(status)).readAllBytes();
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(Fixtures.prefixed(0, status));
        seeds.add(Fixtures.prefixed(1, PackageDetectorTest.zstd(status)));
        seeds.add(Fixtures.prefixed(2, tar));
        return seeds;
    }


    /** An image of one layer held in memory, as a registry would serve it (no local file to map). */
    private record MemorySource(Descriptor layer, byte[] blob) implements ImageSource {
        @Override
        public Location location() {
            return Location.parse("oci:/nonexistent/fuzz:t");
        }

        private RawManifest manifest() {
            return new ImageManifest(MediaTypes.OCI_MANIFEST, null, Descriptor.of(MediaTypes.OCI_CONFIG, CONFIG),
                    List.of(layer), null, Map.of(), Map.of()).toRaw();
        }

        @Override
        public RawManifest resolve() {
            return manifest();
        }

        @Override
        public RawManifest manifest(Descriptor descriptor) {
            return manifest();
        }

        @Override
        public VerifyingInputStream blob(Descriptor descriptor) {
            byte[] bytes = descriptor.digest().equals(layer.digest()) ? blob : CONFIG;
            InputStream in = new ByteArrayInputStream(bytes);
            return new VerifyingInputStream(in, descriptor.digest(), descriptor.size(), "fuzz");
        }

        @Override
        public byte[] readBlob(Descriptor descriptor, long maxBytes) {
            return descriptor.digest().equals(layer.digest()) ? blob : CONFIG;
        }

        @Override
        public List<Descriptor> referrers(Digest subject, String artifactType) {
            return List.of();
        }

        @Override
        public String referrersSource(Digest subject) {
            return "none";
        }
    }
}
