package dev.trustplane.sbom;

import static dev.trustplane.sbom.PackageDetectorTest.descriptors;
import static dev.trustplane.sbom.PackageDetectorTest.layer;
import static dev.trustplane.sbom.PackageDetectorTest.layout;
import static dev.trustplane.sbom.PackageDetectorTest.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.InflatedBlob;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.testkit.FakeRegistry;
import dev.trustplane.testkit.RegistryPeer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package detection of images in a registry, where gzip layers are read whole into memory and
 * decompressed by libdeflate ({@link InflatedBlob#download}) instead of streamed: the same
 * packages as from the layout they were pushed from (real registry), a layer libdeflate cannot
 * take whole asked for again and streamed, and bytes that differ from the digest refused before
 * they count (in-process fake, which can serve corrupt blobs).
 */
class PackageDetectorRegistryIT {
    @TempDir
    static Path work;
    static RegistryPeer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        assertThat(InflatedBlob.unavailableReason()).as("why libdeflate is not used (scripts/install-peers installs it)")
                .isNull();
        registry = RegistryPeer.start(work);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static RegistryClient client() {
        return RegistryClient.builder().build();
    }

    private static Location push(Location layout, String host, String repository) {
        Location remote = Location.parse(host + "/" + repository + ":t");
        new ImageCopier(client(), EventListener.NONE, 3).copy(layout, remote);
        return remote;
    }

    private static byte[][] layers() throws IOException {
        return new byte[][] {
                layer(new String[] {"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n",
                        null}, new String[] {"etc/os-release", null, "../usr/lib/os-release"},
                        new String[] {"var/lib/dpkg/status.d/libssl3", status("libssl3", "3.0.11-1~deb12u2",
                                "openssl"), null},
                        new String[] {"var/lib/dpkg/status.d/tzdata", status("tzdata", "2024a-0+deb12u1", null), null}),
                PackageDetectorTest.zstd(layer(new String[] {"var/lib/dpkg/status",
                        status("bash", "5.2.15-2+b2", null), null})),
                layer(new String[] {"var/lib/dpkg/status.d/.wh.tzdata", "", null})};
    }

    @Test
    void shouldFindTheSamePackagesInTheRegistryAsInTheLayoutItWasPushedFrom() throws IOException {
        byte[][] layers = layers();
        Location layout = layout(dir.resolve("layout"), descriptors(layers), layers);
        Location remote = push(layout, registry.host(), "detect/app");

        PackageDetector.Detected fromLayout = PackageDetector.detect(ImageSource.open(layout, null), null);
        PackageDetector.Detected fromRegistry = PackageDetector.detect(ImageSource.open(remote, client()), null);

        assertThat(fromRegistry.packages()).extracting(p -> p.name() + "=" + p.version() + "<" + p.source())
                .containsExactly("bash=5.2.15-2+b2<bash", "libssl3=3.0.11-1~deb12u2<openssl");
        assertThat(fromRegistry.packages()).isEqualTo(fromLayout.packages());
        assertThat(fromRegistry.distro()).isEqualTo(fromLayout.distro()).isEqualTo("debian-12");
    }

    /** The layer's tar split into two gzip members, as concatenating compressors write it. */
    private static byte[] twoMembers(byte[] gzipLayer) throws IOException {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipLayer))) {
            tar = in.readAllBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : new byte[][] {Arrays.copyOfRange(tar, 0, tar.length / 2),
                Arrays.copyOfRange(tar, tar.length / 2, tar.length)}) {
            try (GZIPOutputStream gz = new GZIPOutputStream(out) {
                @Override
                public void close() throws IOException {
                    finish(); // keeps `out` open for the next member
                }
            }) {
                gz.write(part);
            }
        }
        return out.toByteArray();
    }

    @Test
    void shouldAskForALayerAgainAndStreamItWhenLibdeflateCannotTakeItWhole() throws IOException {
        byte[] layer = twoMembers(layer(new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null),
                null}));
        Location layout = layout(dir.resolve("layout"), descriptors(layer), layer);
        try (FakeRegistry fake = FakeRegistry.start()) {
            Location remote = push(layout, fake.host(), "app");

            PackageDetector.Detected d = PackageDetector.detect(ImageSource.open(remote, client()), null);

            assertThat(d.packages()).extracting(SbomPackage::name).containsExactly("bash");
            assertThat(fake.requests()).as("read whole, declined as two members, then streamed")
                    .filteredOn(r -> r.equals("GET /v2/app/blobs/" + Digest.sha256(layer))).hasSize(2);
        }
    }

    @Test
    void shouldRefuseARegistryLayerWhoseBytesDoNotMatchItsDigest() throws IOException {
        byte[] layer = layer(new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null), null});
        Location layout = layout(dir.resolve("layout"), descriptors(layer), layer);
        try (FakeRegistry fake = FakeRegistry.start()) {
            Location remote = push(layout, fake.host(), "app");
            ImageSource source = ImageSource.open(remote, client());
            source.resolve();
            fake.corruptBlobs(true);

            assertThatThrownBy(() -> PackageDetector.detect(source, null)).isInstanceOf(TrustplaneException.class)
                    .hasMessageContaining(Digest.sha256(layer).toString())
                    .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
        }
    }

    /** A connection dropped mid-layer is the network's fault, not the image's: UNREACHABLE, with a retry. */
    @Test
    void shouldCallALayerDownloadCutOffUnreachableOnBothPaths() throws IOException {
        byte[] noise = new byte[400_000]; // several reads, so the cut comes after the first
        new Random(3).nextBytes(noise);
        byte[] gzip = layer(new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null), null},
                new String[] {"usr/share/noise", new String(noise, StandardCharsets.ISO_8859_1), null});
        for (byte[] stored : new byte[][] {gzip, PackageDetectorTest.zstd(gzip)}) {
            Path at = dir.resolve("layout-" + stored[0]);
            Location layout = layout(at, descriptors(stored), stored);
            try (FakeRegistry fake = FakeRegistry.start()) {
                ImageSource source = ImageSource.open(push(layout, fake.host(), "app"), client());
                source.resolve();
                fake.cutBlobs(true);

                assertThatThrownBy(() -> PackageDetector.detect(source, null)).as(stored[0] == 0x1f ? "gzip" : "zstd")
                        .isInstanceOf(TrustplaneException.class)
                        .hasMessageContaining("Reading layer " + Digest.sha256(stored))
                        .hasMessageContaining("retry")
                        .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.UNREACHABLE);
            }
        }
    }
}
