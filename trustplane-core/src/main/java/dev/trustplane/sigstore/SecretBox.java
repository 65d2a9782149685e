package dev.trustplane.sigstore;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl {@code secretbox} (XSalsa20-Poly1305), the cipher of cosign's encrypted private keys:
 * the first 32 bytes of the XSalsa20 key stream key a one-time Poly1305 over the ciphertext; the
 * output is the 16-byte tag followed by the ciphertext.
 */
final class SecretBox {
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 24;
    private static final int TAG_BYTES = 16;

    private SecretBox() {
    }

    static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
        XSalsa20Engine stream = stream(key, nonce);
        byte[] polyKey = keystream(stream, KEY_BYTES);
        byte[] out = new byte[TAG_BYTES + plaintext.length];
        stream.processBytes(plaintext, 0, plaintext.length, out, TAG_BYTES);
        byte[] tag = mac(polyKey, out, TAG_BYTES, plaintext.length);
        System.arraycopy(tag, 0, out, 0, TAG_BYTES);
        Arrays.fill(polyKey, (byte) 0);
        return out;
    }

    /** The plaintext, or null when the box was not sealed with this key (wrong password) or was altered. */
    static byte[] open(byte[] key, byte[] nonce, byte[] box) {
        if (box.length < TAG_BYTES) {
            return null;
        }
        XSalsa20Engine stream = stream(key, nonce);
        byte[] polyKey = keystream(stream, KEY_BYTES);
        byte[] expected = mac(polyKey, box, TAG_BYTES, box.length - TAG_BYTES);
        Arrays.fill(polyKey, (byte) 0);
        if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG_BYTES))) {
            return null;
        }
        byte[] plain = new byte[box.length - TAG_BYTES];
        stream.processBytes(box, TAG_BYTES, plain.length, plain, 0);
        return plain;
    }

    private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
        if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("secretbox needs a 32-byte key and a 24-byte nonce");
        }
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    private static byte[] keystream(XSalsa20Engine stream, int n) {
        byte[] out = new byte[n];
        stream.processBytes(new byte[n], 0, n, out, 0);
        return out;
    }

    private static byte[] mac(byte[] polyKey, byte[] data, int off, int len) {
        Poly1305 poly = new Poly1305();
        poly.init(new KeyParameter(polyKey));
        poly.update(data, off, len);
        byte[] tag = new byte[TAG_BYTES];
        poly.doFinal(tag, 0);
        return tag;
    }
}
