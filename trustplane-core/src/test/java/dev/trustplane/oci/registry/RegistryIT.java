package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.CopyResult;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.testkit.RegistryPeer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client against the real CNCF distribution registry (Debian docker-registry). */
class RegistryIT {
    @TempDir
    static Path work;
    static RegistryPeer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        registry = RegistryPeer.start(work);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static RegistryClient client() {
        return RegistryClient.builder().build();
    }

    private ImageCopier copier() {
        return new ImageCopier(client(), EventListener.NONE, 3);
    }

    @Test
    void shouldRoundTripImageThroughRegistryWithIdenticalDigests() throws Exception {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        RawManifest image = TestImages.write(source, "v1", 3, 300_000, 7);
        String ref = registry.host() + "/round/trip:v1";

        CopyResult pushed = copier().copy(Location.parse("oci:" + dir.resolve("src") + ":v1"), Location.parse(ref));
        CopyResult again = copier().copy(Location.parse("oci:" + dir.resolve("src") + ":v1"), Location.parse(ref));
        CopyResult pulled = copier().copy(Location.parse(ref), Location.parse("oci:" + dir.resolve("dst") + ":v1"));

        assertThat(pushed.digest()).isEqualTo(image.digest());
        assertThat(pushed.blobsCopied()).isEqualTo(4);
        assertThat(again.blobsCopied()).isZero();
        assertThat(again.blobsSkipped()).isEqualTo(4);
        assertThat(pulled.digest()).isEqualTo(image.digest());
        OciLayout dst = OciLayout.open(dir.resolve("dst"));
        assertThat(dst.readManifest(dst.resolveTag("v1").orElseThrow()).bytes()).isEqualTo(image.bytes());
        assertThat(client().listTags(ImageReference.parseRepository(registry.host() + "/round/trip")))
                .containsExactly("v1");
    }

    @Test
    void shouldMountBlobsWithinOneRegistry() {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        TestImages.write(source, "v1", 2, 1000, 11);
        copier().copy(Location.parse("oci:" + dir.resolve("src") + ":v1"),
                Location.parse(registry.host() + "/mount/a:v1"));

        CopyResult r = copier().copy(Location.parse(registry.host() + "/mount/a:v1"),
                Location.parse(registry.host() + "/mount/b:v1"));

        assertThat(r.blobsMounted()).isEqualTo(3);
        assertThat(r.blobsCopied()).isZero();
    }

    @Test
    void shouldUploadInChunks() throws Exception {
        ImageReference repo = ImageReference.parse(registry.host() + "/chunked/app:x");
        byte[] content = new byte[250_000];
        new Random(3).nextBytes(content);
        Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, content);

        client().pushBlobChunked(repo, blob, () -> new ByteArrayInputStream(content), 64 * 1024);

        assertThat(client().hasBlob(repo, blob.digest())).isTrue();
        try (var in = client().openBlob(repo, blob)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void shouldCopyWholeIndexWithAllPlatforms() {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        RawManifest amd = TestImages.write(source, null, 1, 100, 1);
        RawManifest arm = TestImages.write(source, null, 1, 100, 2);
        RawManifest index = ImageIndex.of(List.of(
                amd.descriptor().withPlatform(Platform.parse("linux/amd64")),
                arm.descriptor().withPlatform(Platform.parse("linux/arm64/v8")))).toRaw();
        source.writeManifest(index);
        source.tag("multi", index.descriptor());

        CopyResult r = copier().copy(Location.parse("oci:" + dir.resolve("src") + ":multi"),
                Location.parse(registry.host() + "/multi/app:1"));

        assertThat(r.digest()).isEqualTo(index.digest());
        assertThat(r.manifests()).isEqualTo(3);
        assertThat(client().manifest(ImageReference.parse(registry.host() + "/multi/app@" + arm.digest()))).isPresent();
    }

    @Test
    void shouldKeepEveryReferrerWhenWritersRace() throws Exception {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        RawManifest image = TestImages.write(source, "v1", 1, 100, 5);
        ImageReference ref = ImageReference.parse(registry.host() + "/race/app:v1");
        copier().copy(Location.parse("oci:" + dir.resolve("src") + ":v1"), Location.parse(ref.toString()));
        RegistryClient client = client();
        client.pushBlob(ref, Descriptor.of(MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_JSON),
                () -> new ByteArrayInputStream(MediaTypes.EMPTY_JSON));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<RawManifest>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                RawManifest m = ImageManifest.artifact("application/vnd.test.n" + n, List.of(), image.descriptor(),
                        Map.of()).toRaw();
                client.pushReferrer(ref, m);
                return m;
            }));
        }
        List<RawManifest> pushed = new ArrayList<>();
        for (Future<RawManifest> f : futures) {
            pushed.add(f.get());
        }
        pool.shutdown();

        Referrers found = client.referrers(ref.pinned(image.digest()), null);

        assertThat(found.source()).isEqualTo(Referrers.Source.FALLBACK_TAG);
        assertThat(found.manifests()).extracting(Descriptor::digest)
                .containsExactlyInAnyOrderElementsOf(pushed.stream().map(RawManifest::digest).toList());
    }

    @Test
    void shouldDeleteManifestByDigest() {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        RawManifest image = TestImages.write(source, "v1", 1, 10, 9);
        copier().copy(Location.parse("oci:" + dir.resolve("src") + ":v1"),
                Location.parse(registry.host() + "/del/app:v1"));
        ImageReference pinned = ImageReference.parse(registry.host() + "/del/app@" + image.digest());

        client().deleteManifest(pinned);

        assertThat(client().manifest(pinned)).isEmpty();
    }

    @Test
    void shouldLeaveNoBlobWhenPullIsMissingInRegistry() throws Exception {
        Path dst = dir.resolve("dst");
        assertThatThrownBy(() -> copier().copy(Location.parse(registry.host() + "/nothing/here:v1"),
                Location.parse("oci:" + dst + ":v1")))
                .isInstanceOf(TrustplaneException.class)
                .satisfies(e -> assertThat(((TrustplaneException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("does not exist");
        try (Stream<Path> blobs = Files.list(dst.resolve("blobs/sha256"))) {
            assertThat(blobs.toList()).isEmpty();
        }
        assertThat(OciLayout.open(dst).entries()).isEmpty();
    }
}
