package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArchiveKeyringTest {
    private static final Instant NOW = Instant.now();

    private static byte[] realInRelease() throws IOException {
        try (InputStream in = ArchiveKeyringTest.class.getResourceAsStream("/debian/real-bookworm-security/InRelease")) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldVerifyRealDebianInReleaseWithTheSystemKeyring() throws IOException {
        String text = ArchiveKeyring.load(ArchiveKeyring.DEBIAN_DEFAULT).verify(realInRelease(), "InRelease", NOW);
        ReleaseFile release = ReleaseFile.parse(text, "InRelease");
        assertThat(release.codename()).isEqualTo("bookworm-security");
        assertThat(release.validUntil()).isAfter(release.date());
        assertThat(release.entry("main/binary-amd64/Packages.xz")).isPresent();
    }

    @Test
    void shouldRefuseRealInReleaseWhenOneByteOfTheTextChanged() throws IOException {
        String tampered = new String(realInRelease(), StandardCharsets.UTF_8).replace("Codename: bookworm-security",
                "Codename: bookworm-securitx");
        assertThatThrownBy(() -> ArchiveKeyring.load(ArchiveKeyring.DEBIAN_DEFAULT)
                .verify(tampered.getBytes(StandardCharsets.UTF_8), "InRelease", NOW))
                .isInstanceOf(TrustplaneException.class)
                .hasMessageStartingWith("Refusing InRelease: a signature by key")
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
    }

    @Test
    void shouldRefuseRealInReleaseAgainstAnotherKeyring() throws IOException {
        ArchiveKeyring other = ArchiveKeyring.parse(TestArchive.SigningKey.generate(NOW, 0).publicKeyRing(), "other.gpg");
        assertThatThrownBy(() -> other.verify(realInRelease(), "InRelease", NOW))
                .hasMessage("Refusing InRelease: no valid signature by a key in other.gpg; check the archive URL and"
                        + " the keyring (`keyring:` in the image spec)");
    }

    @Test
    void shouldVerifyTextSignedWithAGeneratedKey() {
        TestArchive.SigningKey key = TestArchive.SigningKey.generate(NOW.minusSeconds(60), 0);
        byte[] signed = TestArchive.clearsign("Suite: test\nDate: x  \n", key);
        String text = ArchiveKeyring.parse(key.publicKeyRing(), "k.gpg").verify(signed, "InRelease", NOW);
        assertThat(text).isEqualTo("Suite: test\nDate: x  \n");
    }

    @Test
    void shouldRefuseSignatureMadeByAnExpiredKey() {
        TestArchive.SigningKey key = TestArchive.SigningKey.generate(NOW.minus(Duration.ofDays(2)), 3600);
        byte[] signed = TestArchive.clearsign("Suite: test\n", key);
        assertThatThrownBy(() -> ArchiveKeyring.parse(key.publicKeyRing(), "k.gpg").verify(signed, "InRelease", NOW))
                .isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("Refusing InRelease:");
    }

    @Test
    void shouldRefuseUnsignedFile() {
        assertThatThrownBy(() -> ArchiveKeyring.load(ArchiveKeyring.DEBIAN_DEFAULT)
                .verify("Suite: x\n".getBytes(StandardCharsets.UTF_8), "http://a/InRelease", NOW))
                .hasMessage("Refusing http://a/InRelease: it is not an OpenPGP cleartext-signed file; the archive must"
                        + " serve a signed InRelease");
    }

    @Test
    void shouldNameTheMissingKeyringAndTheWayOut() {
        assertThatThrownBy(() -> ArchiveKeyring.load(Path.of("/nonexistent/k.gpg")))
                .hasMessage("Keyring /nonexistent/k.gpg does not exist; install the package debian-archive-keyring or"
                        + " set `keyring:` in the image spec to a key file");
    }
}
