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
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.NullDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * Signs and verifies with the JCA algorithm that fits the key: ECDSA (SHA-256/384/512 by curve), RSA or
 * Ed25519; and verifies signatures over a precomputed digest (message-signature bundles) with BouncyCastle's
 * lightweight API, which takes the digest as it is.
 */
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
        return verifyDigest(key, "SHA-256", sha256, signature);
    }

    /**
     * Verifies a signature over a precomputed digest made with {@code hash} ("SHA-256", "SHA-384"
     * or "SHA-512"), as a message-signature bundle carries it: ECDSA on any curve, RSA with
     * PKCS#1 v1.5 (the digest in a DigestInfo) or RSA-PSS (MGF1 with the same hash, salt as long as
     * the hash — what Go's crypto/rsa and OpenSSL's {@code rsa_pss_saltlen:digest} write), and
     * Ed25519ph (RFC 8032 with SHA-512, no context). Pure Ed25519 signs the message itself, not a
     * digest: see {@link #verifyEd25519}.
     */
    public static boolean verifyDigest(PublicKey key, String hash, byte[] digest, byte[] signature) {
        try {
            if (key instanceof ECPublicKey ec) {
                return ecdsa(ec, digest, signature);
            }
            AsymmetricKeyParameter params = PublicKeyFactory.createKey(key.getEncoded());
            if (params instanceof RSAKeyParameters rsa) {
                return rsaPkcs1(rsa, hash, digest, signature) || rsaPss(rsa, hash, digest, signature);
            }
            if (params instanceof Ed25519PublicKeyParameters ed && hash.equals("SHA-512") && digest.length == 64
                    && signature.length == Ed25519PublicKeyParameters.KEY_SIZE * 2) {
                return ed.verify(Ed25519.Algorithm.Ed25519ph, new byte[0], digest, 0, digest.length, signature, 0);
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True when {@code key} is an Ed25519 key, whose message signatures sign the message itself. */
    public static boolean isEd25519(PublicKey key) {
        return key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
    }

    /** A pure Ed25519 signature (RFC 8032) over {@code message}. */
    public static boolean verifyEd25519(PublicKey key, byte[] message, byte[] signature) {
        return isEd25519(key) && verify(key, message, signature);
    }

    private static boolean rsaPkcs1(RSAKeyParameters key, String hash, byte[] digest, byte[] signature) {
        ASN1ObjectIdentifier oid = switch (hash) {
            case "SHA-256" -> NISTObjectIdentifiers.id_sha256;
            case "SHA-384" -> NISTObjectIdentifiers.id_sha384;
            case "SHA-512" -> NISTObjectIdentifiers.id_sha512;
            default -> null;
        };
        if (oid == null) {
            return false;
        }
        RSADigestSigner signer = new RSADigestSigner(new NullDigest(), oid);
        signer.init(false, key);
        signer.update(digest, 0, digest.length);
        return signer.verifySignature(signature);
    }

    private static boolean rsaPss(RSAKeyParameters key, String hash, byte[] digest, byte[] signature) {
        Digest content = bcDigest(hash);
        if (content == null || digest.length != content.getDigestSize()) {
            return false;
        }
        PSSSigner signer = PSSSigner.createRawSigner(new RSABlindedEngine(), content, bcDigest(hash),
                content.getDigestSize(), PSSSigner.TRAILER_IMPLICIT);
        signer.init(false, key);
        signer.update(digest, 0, digest.length);
        return signer.verifySignature(signature);
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

    private static Digest bcDigest(String hash) {
        return switch (hash) {
            case "SHA-256" -> new SHA256Digest();
            case "SHA-384" -> new SHA384Digest();
            case "SHA-512" -> new SHA512Digest();
            default -> null;
        };
    }

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
