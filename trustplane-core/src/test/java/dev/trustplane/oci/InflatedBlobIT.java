package dev.trustplane.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK 22+ version of {@link InflatedBlob}, from the packaged multi-release JAR (failsafe puts
 * the JAR, not the class directory, on the class path): content, digest check, corrupt data, and
 * every case it leaves to the streaming path.
 */
class InflatedBlobIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void libdeflateIsInUse() {
        assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
        assertThat(InflatedBlob.unavailableReason()).as("why libdeflate is not used (scripts/install-peers installs it)")
                .isNull();
    }

    /** ~3 MiB that compress about 4:1: text-like runs with random bytes between them. */
    private static byte[] content() {
        Random random = new Random(42);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < 3 << 20) {
            out.writeBytes(("Package: p" + random.nextInt(5000) + "\nVersion: 1." + random.nextInt(99) + "-1\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] noise = new byte[random.nextInt(16)];
            random.nextBytes(noise);
            out.writeBytes(noise);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    /** The content as one gzip member followed by a second one. */
    private static byte[] twoMembers() throws IOException {
        byte[] one = gzip(content());
        byte[] two = gzip("second member".getBytes(StandardCharsets.US_ASCII));
        byte[] both = new byte[one.length + two.length];
        System.arraycopy(one, 0, both, 0, one.length);
        System.arraycopy(two, 0, both, one.length, two.length);
        return both;
    }

    private Path file(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("blob"), bytes);
    }

    /** {@code opened} is present, holds {@code content} and passes its digest check. */
    private static void assertInflatedTo(Optional<InflatedBlob> opened, byte[] content) throws IOException {
        assertThat(opened).isPresent();
        try (InflatedBlob blob = opened.get()) {
            assertThat(read(blob)).isEqualTo(content);
            blob.verify();
        }
    }

    private static byte[] read(InflatedBlob blob) throws IOException {
        try (InputStream in = blob.content()) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldDecompressTheWholeBlobAndAcceptItsDigest() throws IOException {
        byte[] content = content();
        byte[] gz = gzip(content);
        assertInflatedTo(InflatedBlob.open(file(gz), Digest.sha256(gz), gz.length, "test"), content);
    }

    @Test
    void shouldDecompressAnEmptyMember() throws IOException {
        byte[] gz = gzip(new byte[0]);
        try (InflatedBlob blob = InflatedBlob.open(file(gz), Digest.sha256(gz), gz.length, "test").orElseThrow()) {
            assertThat(read(blob)).isEmpty();
            blob.verify();
        }
    }

    @Test
    void shouldRefuseWellFormedContentUnderAnotherDigest() throws IOException {
        byte[] gz = gzip(content());
        Digest declared = Digest.sha256("something else");
        try (InflatedBlob blob = InflatedBlob.open(file(gz), declared, gz.length, "layout /x").orElseThrow()) {
            assertThatThrownBy(blob::verify).isInstanceOf(TrustplaneException.class)
                    .hasMessageContaining(declared.toString()).hasMessageContaining("layout /x")
                    .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
        }
    }

    @Test
    void shouldCallCorruptDataAnIntegrityErrorWhenTheDigestDiffersAndInvalidInputWhenItMatches() throws IOException {
        byte[] gz = gzip(content());
        Digest original = Digest.sha256(gz);
        gz[gz.length / 2] ^= 0x55; // inside the deflate stream: the CRC-32 or the stream itself breaks
        Path file = file(gz);
        assertThatThrownBy(() -> InflatedBlob.open(file, original, gz.length, "test"))
                .isInstanceOf(TrustplaneException.class)
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
        assertThatThrownBy(() -> InflatedBlob.open(file, Digest.sha256(gz), gz.length, "test"))
                .isInstanceOf(TrustplaneException.class).hasMessageContaining("not valid gzip data")
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INVALID_INPUT);
    }

    @Test
    void shouldLeaveSeveralMembersToTheStreamingPath() throws IOException {
        byte[] both = twoMembers();
        assertThat(InflatedBlob.open(file(both), Digest.sha256(both), both.length, "test")).isEmpty();
    }

    @Test
    void shouldLeaveATrailerAnnouncingMoreThanTheLimitToTheStreamingPath() throws IOException {
        byte[] gz = gzip(content());
        for (int i = 1; i <= 4; i++) {
            gz[gz.length - i] = (byte) 0xff; // ISIZE 4 GiB - 1: nothing is allocated for it
        }
        assertThat(InflatedBlob.open(file(gz), Digest.sha256(gz), gz.length, "test")).isEmpty();
    }

    @Test
    void shouldLeaveAFileOfAnotherSizeOrFormatToTheStreamingPath() throws IOException {
        byte[] gz = gzip(content());
        Path file = file(gz);
        assertThat(InflatedBlob.open(file, Digest.sha256(gz), gz.length + 1, "test")).isEmpty();
        byte[] plain = content();
        assertThat(InflatedBlob.open(file(plain), Digest.sha256(plain), plain.length, "test")).isEmpty();
    }

    /** A registry-like stream of {@code bytes} that checks them against {@code digest} at its end. */
    private static Supplier<VerifyingInputStream> stream(byte[] bytes, Digest digest, long size) {
        return () -> new VerifyingInputStream(new ByteArrayInputStream(bytes), digest, size, "registry r/app");
    }

    @Test
    void shouldDownloadTheWholeBlobAndDecompressIt() throws IOException {
        byte[] content = content();
        byte[] gz = gzip(content);
        assertInflatedTo(InflatedBlob.download(stream(gz, Digest.sha256(gz), gz.length), Digest.sha256(gz),
                gz.length, "registry r/app"), content);
    }

    @Test
    void shouldRefuseADownloadWhoseDigestOrSizeDiffersBeforeDecompressingIt() throws IOException {
        byte[] gz = gzip(content());
        Digest declared = Digest.sha256("something else");
        assertThatThrownBy(() -> InflatedBlob.download(stream(gz, declared, gz.length), declared, gz.length,
                "registry r/app")).isInstanceOf(TrustplaneException.class).hasMessageContaining(declared.toString())
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
        byte[] cut = Arrays.copyOf(gz, gz.length - 100);
        assertThatThrownBy(() -> InflatedBlob.download(stream(cut, Digest.sha256(gz), gz.length), Digest.sha256(gz),
                gz.length, "registry r/app")).isInstanceOf(TrustplaneException.class)
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
    }

    @Test
    void shouldCallACorruptDownloadWithAMatchingDigestInvalidInput() throws IOException {
        byte[] gz = gzip(content());
        gz[gz.length / 2] ^= 0x55;
        Digest digest = Digest.sha256(gz);
        assertThatThrownBy(() -> InflatedBlob.download(stream(gz, digest, gz.length), digest, gz.length,
                "registry r/app")).isInstanceOf(TrustplaneException.class).hasMessageContaining("not valid gzip data")
                .hasMessageContaining("registry r/app")
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INVALID_INPUT);
    }

    @Test
    void shouldNotOpenABlobLargerThanTheDownloadLimit() throws IOException {
        Supplier<VerifyingInputStream> never = () -> {
            throw new AssertionError("the blob was requested");
        };
        assertThat(InflatedBlob.download(never, Digest.sha256("x"), InflatedBlob.MAX_DOWNLOAD + 1, "r")).isEmpty();
        assertThat(InflatedBlob.download(never, Digest.sha256("x"), 19, "r")).isEmpty();
    }

    @Test
    void shouldLeaveADownloadOfSeveralMembersToTheStreamingPath() throws IOException {
        byte[] both = twoMembers();
        Digest digest = Digest.sha256(both);
        assertThat(InflatedBlob.download(stream(both, digest, both.length), digest, both.length, "r")).isEmpty();
    }
}
