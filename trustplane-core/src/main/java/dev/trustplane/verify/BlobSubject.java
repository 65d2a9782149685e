package dev.trustplane.verify;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.SignatureAlgorithms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The file a message-signature bundle is verified against: its digest in the algorithm the bundle
 * names (SHA-256, SHA-384 or SHA-512, each read streaming once), and its bytes for a pure Ed25519
 * signature, which signs the file itself rather than a digest (cosign's {@code sign-blob} with an
 * Ed25519 key) — those are read whole, so bounded.
 */
public final class BlobSubject {
    /** The largest file verified against a pure Ed25519 signature (read into memory, as cosign does). */
    public static final long MAX_ED25519_BYTES = 1L << 30;
    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final Map<String, byte[]> digests = new HashMap<>();

    private BlobSubject(Path file) {
        this.file = file;
    }

    /** A regular file; its SHA-256 is read now, as every report names it. */
    public static BlobSubject of(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "File " + file + " does not exist or is not a regular"
                    + " file; check the path");
        }
        BlobSubject subject = new BlobSubject(file);
        subject.digest("SHA-256");
        return subject;
    }

    public Path file() {
        return file;
    }

    public Digest sha256() {
        return Digest.parse("sha256:" + HexFormat.of().formatHex(digest("SHA-256")));
    }

    /** The JCA name of a bundle's {@code messageDigest.algorithm}, or null when it is none of SHA2_256/384/512. */
    public static String jcaHash(String bundleAlgorithm) {
        return switch (bundleAlgorithm) {
            case "SHA2_256" -> "SHA-256";
            case "SHA2_384" -> "SHA-384";
            case "SHA2_512" -> "SHA-512";
            default -> null;
        };
    }

    /** The file's digest with {@code jcaHash}, read once. */
    public byte[] digest(String jcaHash) {
        byte[] known = digests.get(jcaHash);
        if (known != null) {
            return known.clone();
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(jcaHash);
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            byte[] digest = md.digest();
            digests.put(jcaHash, digest);
            return digest.clone();
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest algorithm " + jcaHash, e);
        }
    }

    /** True when {@code signature} is a pure Ed25519 signature by {@code key} over the whole file. */
    boolean verifyEd25519(PublicKey key, byte[] signature) {
        if (!SignatureAlgorithms.isEd25519(key)) {
            return false;
        }
        try {
            long size = Files.size(file);
            if (size > MAX_ED25519_BYTES) {
                throw new LimitExceededException("file size for a pure Ed25519 signature", MAX_ED25519_BYTES,
                        "File " + file);
            }
            return SignatureAlgorithms.verifyEd25519(key, Files.readAllBytes(file), signature);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
