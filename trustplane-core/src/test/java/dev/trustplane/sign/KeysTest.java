package dev.trustplane.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.Pem;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeysTest {

    static byte[] fixture(String name) {
        try (InputStream in = KeysTest.class.getResourceAsStream("/sign/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldReadKeyMadeByCosignWhenPasswordIsRight() {
        SigningKey key = Keys.readPrivate(fixture("cosign-pw.key"), "cosign-pw.key", p -> "pw".toCharArray());
        PublicKey pub = Keys.readPublic(fixture("cosign-pw.pub"), "cosign-pw.pub");

        assertThat(Keys.sameKey(key.publicKey(), pub)).isTrue();
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(SignatureAlgorithms.verify(pub, data, SignatureAlgorithms.sign(key.privateKey(), data))).isTrue();
    }

    @Test
    void shouldRefuseWithClearMessageWhenPasswordIsWrong() {
        assertThatThrownBy(() -> Keys.readPrivate(fixture("cosign-pw.key"), "cosign-pw.key", p -> "nope".toCharArray()))
                .isInstanceOf(TrustplaneException.class)
                .hasMessage("Could not decrypt private key cosign-pw.key: wrong password (set TRUSTPLANE_PASSWORD or"
                        + " COSIGN_PASSWORD, or type it at the prompt)");
    }

    @Test
    void shouldRoundTripEncryptedKeyInCosignFormat() {
        SigningKey key = Keys.generate();
        String pem = Keys.encrypt(key, "s3cret".toCharArray());

        SigningKey back = Keys.readPrivate(pem.getBytes(StandardCharsets.US_ASCII), "k", p -> "s3cret".toCharArray());

        assertThat(pem).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        String json = new String(Base64.getMimeDecoder().decode(pem.lines().filter(l -> !l.startsWith("-----"))
                .reduce("", String::concat)), StandardCharsets.UTF_8);
        assertThat(json).contains("\"name\":\"scrypt\"", "\"N\":65536", "\"nacl/secretbox\"");
        assertThat(back.privateKey().getEncoded()).isEqualTo(key.privateKey().getEncoded());
        assertThat(Keys.sameKey(back.publicKey(), key.publicKey())).isTrue();
    }

    @Test
    void shouldReadSec1AndPkcs8AsTheSameKey() {
        SigningKey sec1 = Keys.readPrivate(fixture("sec1.pem"), "sec1.pem", p -> {
            throw new AssertionError("not encrypted");
        });
        SigningKey pkcs8 = Keys.readPrivate(fixture("pkcs8.pem"), "pkcs8.pem", p -> null);
        PublicKey pub = Keys.readPublic(fixture("sec1.pub"), "sec1.pub");

        assertThat(Keys.sameKey(sec1.publicKey(), pub)).isTrue();
        assertThat(Keys.sameKey(pkcs8.publicKey(), pub)).isTrue();
    }

    @Test
    void shouldSignAndVerifyWithEd25519AndRsaKeys() {
        for (String name : new String[] {"ed25519", "rsa"}) {
            SigningKey key = Keys.readPrivate(fixture(name + ".pem"), name, p -> null);
            PublicKey pub = Keys.readPublic(fixture(name + ".pub"), name);
            byte[] data = name.getBytes(StandardCharsets.UTF_8);

            assertThat(Keys.sameKey(key.publicKey(), pub)).as(name).isTrue();
            assertThat(SignatureAlgorithms.verify(pub, data, SignatureAlgorithms.sign(key.privateKey(), data)))
                    .as(name).isTrue();
        }
    }

    @Test
    void shouldNeverShowKeyMaterialInToString() {
        SigningKey key = Keys.generate();

        assertThat(key.toString()).startsWith("SigningKey[EC, hint ")
                .doesNotContain(Base64.getEncoder().encodeToString(key.privateKey().getEncoded()).substring(0, 20));
    }

    @Test
    void shouldNameTheFileWhenItIsNotAKey() {
        assertThatThrownBy(() -> Keys.readPrivate(fixture("cosign-pw.pub"), "cosign-pw.pub", p -> null))
                .hasMessage("Key file cosign-pw.pub holds a PEM block of type PUBLIC KEY, not a private key. Pass a"
                        + " cosign key (cosign.key), a PKCS#8 or an EC private key");
        assertThatThrownBy(() -> Keys.readPublic("hello".getBytes(StandardCharsets.US_ASCII), "x.pub"))
                .hasMessage("Key file x.pub has no PEM block (-----BEGIN …-----); pass a PEM key file");
    }

    @Test
    void shouldRefuseScryptParametersThatWouldExhaustMemory() {
        String json = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1073741824,\"r\":8,\"p\":1},\"salt\":\"AAAA\"},"
                + "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAA\"},\"ciphertext\":\"AAAA\"}";
        byte[] pem = Pem.encode(Keys.SIGSTORE_PEM, json.getBytes(StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> Keys.readPrivate(pem, "huge.key", p -> "pw".toCharArray()))
                .isInstanceOf(TrustplaneException.class)
                .satisfies(e -> assertThat(((TrustplaneException) e).kind()).isEqualTo(ErrorKind.LIMIT_EXCEEDED))
                .hasMessageContaining("N=1073741824");
    }
}
