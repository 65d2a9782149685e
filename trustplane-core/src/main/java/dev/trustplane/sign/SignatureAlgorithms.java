package dev.trustplane.sign;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;

/** Signs and verifies with the JCA algorithm that fits the key: ECDSA (SHA-256/384/512 by curve), RSA or Ed25519. */
final class SignatureAlgorithms {

    private SignatureAlgorithms() {
    }

    static byte[] sign(PrivateKey key, byte[] data) {
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
    static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm(key));
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Verifies an ECDSA signature over a precomputed SHA-256 digest (message-signature bundles). */
    static boolean verifyPrehashed(PublicKey key, byte[] sha256, byte[] signature) {
        if (!(key instanceof ECKey)) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("NONEwithECDSA");
            s.initVerify(key);
            s.update(sha256);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String algorithm(java.security.Key key) {
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
