package dev.trustplane.sigstore;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/** Signs and verifies with the JCA algorithm that fits the key: ECDSA (SHA-256/384/512 by curve), RSA or Ed25519. */
public final class SignatureAlgorithms {

    private SignatureAlgorithms() {
    }

    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance(algorithm(key));
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key", e);
        }
    }

    /** True when {@code signature} is valid for {@code data}; false for any malformed or wrong signature. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            String hash = bits > 384 ? "SHA-512" : bits > 256 ? "SHA-384" : "SHA-256";
            try {
                return ecdsa(ec, MessageDigest.getInstance(hash).digest(data), signature);
            } catch (NoSuchAlgorithmException e) {
                return false;
            }
        }
        try {
            Signature s = Signature.getInstance(algorithm(key));
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A DSSE signature: as {@link #verify}, and for an EC key also in the raw r‖s form (two
     * fixed-size big-endian integers) that DSSE libraries other than Sigstore's write (go-securesystemslib
     * with some signers, in-toto's, Notary's JWS): the same (r, s), only spelt differently.
     */
    public static boolean verifyDsse(PublicKey key, byte[] pae, byte[] signature) {
        if (verify(key, pae, signature)) {
            return true;
        }
        if (!(key instanceof ECPublicKey ec)) {
            return false;
        }
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        if (signature.length != 2 * size) {
            return false;
        }
        try {
            byte[] der = new DERSequence(new ASN1Integer[] {
                    new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(signature, 0, size))),
                    new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(signature, size, 2 * size)))}).getEncoded();
            return verify(key, pae, der);
        } catch (IOException e) {
            return false;
        }
    }

    /** Verifies an ECDSA signature over a precomputed SHA-256 digest (message-signature bundles). */
    public static boolean verifyPrehashed(PublicKey key, byte[] sha256, byte[] signature) {
        return key instanceof ECPublicKey ec && ecdsa(ec, sha256, signature);
    }

    /**
     * ECDSA verification with BouncyCastle's lightweight API: about 8× faster than the JDK's on
     * these machines (docs/benchmarks.md), and verification handles only public data. The
     * signature must be strict DER (two positive INTEGERs, nothing after them).
     */
    private static boolean ecdsa(ECPublicKey key, byte[] hash, byte[] signature) {
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(signature));
            if (seq.size() != 2 || !Arrays.equals(seq.getEncoded(ASN1Encoding.DER), signature)) {
                return false;
            }
            BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, parameters(key));
            return verifier.verifySignature(hash, r, s);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * BouncyCastle parameters per key, kept for the keys seen most (trusted-root keys, signers):
     * BouncyCastle caches its point precomputations on the point object, so reusing it makes
     * later verifications with the same key faster. Bounded; cleared when full.
     */
    private static AsymmetricKeyParameter parameters(ECPublicKey key)
            throws InvalidKeyException {
        var cached = PARAMETERS.get(key);
        if (cached != null) {
            return cached;
        }
        if (PARAMETERS.size() >= 256) {
            PARAMETERS.clear();
        }
        var fresh = ECUtil.generatePublicKeyParameter(key);
        PARAMETERS.put(key, fresh);
        return fresh;
    }

    private static final Map<PublicKey, AsymmetricKeyParameter> PARAMETERS =
            new ConcurrentHashMap<>();

    private static String algorithm(Key key) {
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
        };
    }
}
