package dev.trustplane.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteSpecLayoutWhenCreated() throws Exception {
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("l"));
        RawManifest image = TestImages.write(layout, "v1", 2, 100, 1);
        assertThat(Files.readString(dir.resolve("l/oci-layout"))).isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
        assertThat(Files.readString(dir.resolve("l/index.json")))
                .contains("\"org.opencontainers.image.ref.name\":\"v1\"").contains(image.digest().toString());
        assertThat(OciLayout.open(dir.resolve("l")).resolveTag("v1").orElseThrow().digest()).isEqualTo(image.digest());
        assertThat(layout.readManifest(image.descriptor()).bytes()).isEqualTo(image.bytes());
    }

    @Test
    void shouldMoveTagWhenRetagged() {
        OciLayout layout = OciLayout.openOrCreate(dir);
        TestImages.write(layout, "v1", 1, 10, 1);
        RawManifest second = TestImages.write(layout, "v1", 1, 10, 2);
        assertThat(layout.entries()).hasSize(1);
        assertThat(layout.resolveTag("v1").orElseThrow().digest()).isEqualTo(second.digest());
    }

    @Test
    void shouldLeaveNothingWhenBlobDigestMismatches() throws Exception {
        OciLayout layout = OciLayout.openOrCreate(dir);
        Digest claimed = Digest.sha256("expected");
        assertThatThrownBy(() -> layout.writeBlob(claimed, 8, new ByteArrayInputStream("tampered".getBytes())))
                .isInstanceOf(TrustplaneException.class)
                .satisfies(e -> assertThat(((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY));
        try (Stream<Path> files = Files.list(dir.resolve("blobs/sha256"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void shouldRefuseBlobThatRunsLongerThanDeclared() {
        OciLayout layout = OciLayout.openOrCreate(dir);
        byte[] content = "0123456789".getBytes();
        assertThatThrownBy(() -> layout.writeBlob(Digest.sha256(content), 5, new ByteArrayInputStream(content)))
                .hasMessageContaining("longer than its declared size 5");
        assertThat(layout.hasBlob(Digest.sha256(content))).isFalse();
    }

    @Test
    void shouldCollectUnreferencedBlobsAndStaleTempFiles() throws Exception {
        OciLayout layout = OciLayout.openOrCreate(dir);
        RawManifest kept = TestImages.write(layout, "keep", 2, 50, 1);
        RawManifest dropped = TestImages.write(layout, "drop", 2, 50, 2);
        Path stale = dir.resolve("blobs/sha256/.tmp-crashed");
        Files.write(stale, new byte[10]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        assertThat(layout.untag("drop")).isTrue();

        GcResult result = layout.gc(Duration.ZERO);

        assertThat(result.blobsRemoved()).isEqualTo(4);
        assertThat(result.tempFilesRemoved()).isEqualTo(1);
        assertThat(layout.hasBlob(dropped.digest())).isFalse();
        assertThat(layout.hasBlob(kept.digest())).isTrue();
        ImageManifest m = (ImageManifest) kept.parse();
        m.layers().forEach(l -> assertThat(layout.hasBlob(l.digest())).isTrue());
        assertThat(layout.hasBlob(m.config().digest())).isTrue();
    }

    @Test
    void shouldKeepYoungBlobsWithinGrace() {
        OciLayout layout = OciLayout.openOrCreate(dir);
        layout.writeBlob("orphan".getBytes());
        assertThat(layout.gc(Duration.ofHours(1)).blobsRemoved()).isZero();
        assertThat(layout.gc(Duration.ZERO).blobsRemoved()).isEqualTo(1);
    }

    @Test
    void shouldFindReferrersWithArtifactType() {
        OciLayout layout = OciLayout.openOrCreate(dir);
        RawManifest image = TestImages.write(layout, "v1", 1, 10, 1);
        layout.writeBlob(MediaTypes.EMPTY_JSON);
        RawManifest sbom = ImageManifest.artifact("application/vnd.cyclonedx+json", List.of(), image.descriptor(),
                Map.of("k", "v")).toRaw();
        layout.writeManifest(sbom);
        layout.addUntagged(sbom.descriptor());

        List<Descriptor> found = layout.referrers(image.digest(), null);

        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(sbom.digest());
            assertThat(d.artifactType()).isEqualTo("application/vnd.cyclonedx+json");
            assertThat(d.annotations()).containsEntry("k", "v");
        });
        assertThat(layout.referrers(image.digest(), "application/other")).isEmpty();
    }

    @Test
    void shouldNotLoseTagsWhenWritersRunConcurrently() throws Exception {
        OciLayout layout = OciLayout.openOrCreate(dir);
        RawManifest image = TestImages.write(layout, null, 1, 10, 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String tag = "t" + i;
            futures.add(pool.submit(() -> layout.tag(tag, image.descriptor())));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(layout.entries()).hasSize(40);
    }

    @Test
    void shouldExplainWhenDirectoryIsNotALayout() throws Exception {
        Files.writeString(dir.resolve("x.txt"), "x");
        assertThatThrownBy(() -> OciLayout.open(dir)).hasMessage("Directory " + dir + " is not an OCI layout: it has"
                + " no \"oci-layout\" file. Point at the directory that holds oci-layout and index.json");
        assertThatThrownBy(() -> OciLayout.openOrCreate(dir)).hasMessageContaining("is not empty and not an OCI layout");
        assertThatThrownBy(() -> OciLayout.open(dir.resolve("missing"))).hasMessageContaining("does not exist");
    }

    @Test
    void shouldKeepIndexReadableWhenIndexIsEmpty() {
        OciLayout layout = OciLayout.openOrCreate(dir);
        assertThat(layout.index()).isEqualTo(ImageIndex.of(List.of()));
    }

    @Test
    void shouldRefuseABlobFileThatIsAFifoInsteadOfBlockingForever() throws Exception {
        OciLayout layout = OciLayout.openOrCreate(dir);
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(content);
        Path blob = layout.blobPath(digest);
        Files.createDirectories(blob.getParent());
        Process mkfifo = new ProcessBuilder("mkfifo", blob.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        assertThatThrownBy(() -> layout.readBlob(digest, 1024))
                .hasMessage("The blob " + digest + " of OCI layout " + dir + " is a FIFO, socket or device, not a"
                        + " regular file (" + blob + ") — a layout holds regular files only; remove it and copy the"
                        + " image into the layout again");
        assertThatThrownBy(() -> layout.openBlob(digest, 5))
                .hasMessageContaining("is a FIFO, socket or device, not a regular file");
    }

    @Test
    void shouldRefuseAnOversizedIndexBeforeReadingItWhole() throws Exception {
        OciLayout layout = OciLayout.openOrCreate(dir);
        Path index = dir.resolve("index.json");
        try (var out = Files.newOutputStream(index)) {
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 100; i++) {
                out.write(spaces); // 100 MiB of whitespace: read whole, it once exhausted the heap
            }
        }
        assertThatThrownBy(layout::index)
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("index.json of OCI layout " + dir + " (104857600 bytes)");
    }

    @Test
    void shouldCreateOneLayoutWhenSixWritersCreateItAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            // the race is narrow: 30 fresh layouts, six writers each, starting together
            for (int round = 0; round < 30; round++) {
                Path target = dir.resolve("new-" + round);
                List<Future<?>> writers = new ArrayList<>();
                CountDownLatch start = new CountDownLatch(1);
                for (int i = 0; i < 6; i++) {
                    int n = i;
                    writers.add(pool.submit(() -> {
                        start.await();
                        TestImages.write(OciLayout.openOrCreate(target), "t" + n, 1, 64, n);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> w : writers) {
                    w.get();
                }
                assertThat(OciLayout.open(target).entries()).extracting(LayoutEntry::refName)
                        .containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4", "t5");
            }
        } finally {
            pool.shutdown();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
        }
    }

    @Test
    void shouldNameTheDeclaredSizeWhenABlobFileHasAnother() throws Exception {
        OciLayout layout = OciLayout.openOrCreate(dir);
        byte[] content = new byte[100];
        layout.writeBlob(content);
        Digest digest = Digest.sha256(content);
        Files.write(layout.blobPath(digest), new byte[0]);
        assertThatThrownBy(() -> layout.readBlob(digest, 100, 1024))
                .hasMessage("Blob " + digest + " in OCI layout " + dir + " has 0 bytes but its descriptor declares 100;"
                        + " refusing it — copy the image into the layout again");
    }
}
