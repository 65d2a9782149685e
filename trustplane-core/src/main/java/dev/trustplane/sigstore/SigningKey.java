package dev.trustplane.sigstore;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * A private key and its public half. {@link #toString()} never shows key material, so a key can
 * end up in a log line or an exception message without leaking.
 */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey) {

    public SigningKey {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    /** cosign's key hint: base64 of the SHA-256 of the public key's SubjectPublicKeyInfo. */
    public String hint() {
        return Keys.hint(publicKey);
    }

    @Override
    public String toString() {
        return "SigningKey[" + publicKey.getAlgorithm() + ", hint " + hint() + "]";
    }
}
