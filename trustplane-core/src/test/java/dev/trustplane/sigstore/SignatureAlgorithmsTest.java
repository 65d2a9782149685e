package dev.trustplane.sigstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.signers.Ed25519phSigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.junit.jupiter.api.Test;

class SignatureAlgorithmsTest {

    /** DER (r, s) as the fixed-size r‖s other DSSE implementations write. */
    static byte[] raw(byte[] der, int size) throws Exception {
        ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
        byte[] out = new byte[2 * size];
        for (int i = 0; i < 2; i++) {
            byte[] v = ASN1Integer.getInstance(seq.getObjectAt(i)).getValue().toByteArray();
            int n = Math.min(v.length, size);
            System.arraycopy(v, v.length - n, out, i * size + size - n, n);
        }
        return out;
    }

    @Test
    void shouldAcceptDsseSignaturesInRawFormOnlyWhereDsseIsVerified() throws Exception {
        byte[] pae = "DSSEv1 28 application/vnd.in-toto+json 2 {}".getBytes(StandardCharsets.UTF_8);
        for (String curve : new String[] {"secp256r1", "secp384r1"}) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            KeyPair k = g.generateKeyPair();
            int size = curve.equals("secp256r1") ? 32 : 48;
            byte[] der = SignatureAlgorithms.sign(k.getPrivate(), pae);
            byte[] raw = raw(der, size);

            assertThat(SignatureAlgorithms.verifyDsse(k.getPublic(), pae, der)).isTrue();
            assertThat(SignatureAlgorithms.verifyDsse(k.getPublic(), pae, raw)).as(curve).isTrue();
            assertThat(SignatureAlgorithms.verify(k.getPublic(), pae, raw)).as("cosign's own paths stay DER").isFalse();
            raw[size - 1] ^= 1;
            assertThat(SignatureAlgorithms.verifyDsse(k.getPublic(), pae, raw)).isFalse();
            assertThat(SignatureAlgorithms.verifyDsse(k.getPublic(), pae, new byte[2 * size + 1])).isFalse();
        }
    }

    @Test
    void shouldRefuseACertificateInBerAsNotStrictDer() throws Exception {
        // a real certificate (notation's e2e.crt) with its critical key-usage flag spelt 0xFB: BER's TRUE
        Path pem = Path.of(SignatureAlgorithmsTest.class.getResource("/verify/notation/e2e.crt").toURI());
        String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        byte[] ber = der.clone();
        int flag = indexOf(ber, new byte[] {0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, (byte) 0xff});
        assertThat(flag).isPositive();
        ber[flag + 7] = (byte) 0xfb;

        assertThat(TrustedRoot.certificate(der, "trusted_root.json", "a key").getSubjectX500Principal().getName())
                .contains("CN=e2e");
        assertThatThrownBy(() -> TrustedRoot.certificate(ber, "trusted_root.json", "certificateAuthorities[0]"))
                .hasMessage("Trusted root trusted_root.json certificateAuthorities[0] holds a certificate that is not"
                        + " strict DER (a BER encoding, or bytes after it): certificates are accepted only as the"
                        + " authority encoded and signed them");
        assertThat(new BigInteger(1, ber)).isNotEqualTo(new BigInteger(1, der));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Ed25519ph (RFC 8032, SHA-512 prehash, empty context) over a message digest verifies; pure
     * Ed25519 over the same digest, another digest, or the digest named as SHA-256 does not.
     */
    @Test
    void shouldVerifyEd25519phOverASha512DigestOnly() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] digest = MessageDigest.getInstance("SHA-512").digest("release".getBytes(StandardCharsets.UTF_8));
        Ed25519phSigner signer = new Ed25519phSigner(new byte[0]);
        signer.init(true, PrivateKeyFactory.createKey(pair.getPrivate().getEncoded()));
        signer.update("release".getBytes(StandardCharsets.UTF_8), 0, 7);
        byte[] ph = signer.generateSignature();
        byte[] pure = SignatureAlgorithms.sign(pair.getPrivate(), digest);
        byte[] other = MessageDigest.getInstance("SHA-512").digest("other".getBytes(StandardCharsets.UTF_8));

        assertThat(SignatureAlgorithms.verifyDigest(pair.getPublic(), "SHA-512", digest, ph)).isTrue();
        assertThat(SignatureAlgorithms.verifyDigest(pair.getPublic(), "SHA-512", other, ph)).isFalse();
        assertThat(SignatureAlgorithms.verifyDigest(pair.getPublic(), "SHA-512", digest, pure)).isFalse();
        assertThat(SignatureAlgorithms.verifyDigest(pair.getPublic(), "SHA-256", digest, ph)).isFalse();
        assertThat(SignatureAlgorithms.verifyEd25519(pair.getPublic(), digest, pure)).isTrue();
    }

    /** An RSA signature over a digest made with one hash does not verify when the bundle names another. */
    @Test
    void shouldNotVerifyAnRsaDigestSignatureUnderAnotherHashName() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        byte[] data = "release".getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("SHA384withRSA");
        s.initSign(pair.getPrivate());
        s.update(data);
        byte[] sig = s.sign();
        byte[] digest = MessageDigest.getInstance("SHA-384").digest(data);

        assertThat(SignatureAlgorithms.verifyDigest(pair.getPublic(), "SHA-384", digest, sig)).isTrue();
        assertThat(SignatureAlgorithms.verifyDigest(pair.getPublic(), "SHA-512", digest, sig)).isFalse();
        assertThat(SignatureAlgorithms.verifyDigest(pair.getPublic(), "MD5", digest, sig)).isFalse();
    }
}
