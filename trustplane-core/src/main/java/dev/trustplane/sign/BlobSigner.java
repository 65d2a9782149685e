package dev.trustplane.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.Statement;
import dev.trustplane.sigstore.TlogEntry;
import dev.trustplane.verify.BlobSubject;
import dev.trustplane.verify.BlobVerifier;
import dev.trustplane.verify.TlogCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs files into Sigstore bundles v0.3, as {@code cosign sign-blob --new-bundle-format} and
 * {@code attest-blob} write them: a message signature over the file's digest (the hash the key's
 * Sigstore algorithm uses; pure Ed25519 over the file), or a DSSE envelope with an in-toto statement whose
 * subject is the file; with a key (its hint in the bundle) or keylessly (the Fulcio certificate
 * and the Rekor entry), with an RFC 3161 timestamp when a timestamp authority is given. The file
 * is read streaming.
 */
public final class BlobSigner {
    private static final ObjectMapper JSON = Json.mapper();

    private final SigningKey key;
    private final KeylessSigning keyless;
    private final TimestampAuthority tsa;

    /** With {@code key}, or keylessly when {@code keyless} is given (its key signs); {@code timestampServer} may be null. */
    public BlobSigner(SigningKey key, KeylessSigning keyless, URI timestampServer) {
        this.keyless = keyless;
        this.key = keyless != null ? keyless.key() : key;
        this.tsa = timestampServer == null ? null : new TimestampAuthority(timestampServer);
        if (this.key == null) {
            throw new IllegalArgumentException("a key or a keyless session is needed");
        }
    }

    /**
     * The bundle of a message signature over {@code file}, with the hash the key's Sigstore
     * algorithm uses: ECDSA P-256/P-384/P-521 over SHA-256/384/512, RSA PKCS#1 v1.5 over SHA-256,
     * and Ed25519 over the file itself (as cosign signs with an Ed25519 key; the bundle names the
     * file's SHA-256, the file is read whole, up to {@link BlobSubject#MAX_ED25519_BYTES}).
     */
    public byte[] sign(Path file) {
        Scheme scheme = Scheme.of(key);
        byte[][] digestAndSignature = scheme == Scheme.ED25519 ? signWhole(file) : signStreaming(file, scheme);
        byte[] digest = digestAndSignature[0];
        byte[] signature = digestAndSignature[1];
        ObjectNode root = JSON.createObjectNode();
        root.put("mediaType", Bundle.MEDIA_TYPE_V03);
        material(root, keyless == null ? null : keyless.logHashedRekord(HexFormat.of().formatHex(digest), signature),
                "hashedrekord", "0.0.1", signature);
        ObjectNode message = root.putObject("messageSignature");
        message.putObject("messageDigest").put("algorithm", scheme.bundleAlgorithm)
                .put("digest", Base64.getEncoder().encodeToString(digest));
        message.put("signature", Base64.getEncoder().encodeToString(signature));
        return bytes(root);
    }

    /** How a key signs a file: the digest named in the bundle and the JCA signature algorithm. */
    private enum Scheme {
        P256("SHA-256", "SHA2_256", "SHA256withECDSA"),
        P384("SHA-384", "SHA2_384", "SHA384withECDSA"),
        P521("SHA-512", "SHA2_512", "SHA512withECDSA"),
        RSA("SHA-256", "SHA2_256", "SHA256withRSA"),
        ED25519("SHA-256", "SHA2_256", "Ed25519");

        final String hash;
        final String bundleAlgorithm;
        final String jca;

        Scheme(String hash, String bundleAlgorithm, String jca) {
            this.hash = hash;
            this.bundleAlgorithm = bundleAlgorithm;
            this.jca = jca;
        }

        static Scheme of(SigningKey key) {
            if (key.privateKey() instanceof ECPrivateKey ec) {
                return switch (ec.getParams().getOrder().bitLength()) {
                    case 256 -> P256;
                    case 384 -> P384;
                    case 521 -> P521;
                    default -> throw new TrustplaneException(ErrorKind.UNSUPPORTED, "sign-blob signs with ECDSA on"
                            + " P-256, P-384 or P-521; this key's curve has " + ec.getParams().getOrder().bitLength()
                            + " bits — make a key with `trustplane keygen`");
                };
            }
            return switch (key.privateKey().getAlgorithm()) {
                case "RSA" -> RSA;
                case "Ed25519", "EdDSA" -> ED25519;
                default -> throw new TrustplaneException(ErrorKind.UNSUPPORTED, "sign-blob signs with ECDSA, RSA or"
                        + " Ed25519 keys; this key is " + key.privateKey().getAlgorithm()
                        + " — make one with `trustplane keygen`");
            };
        }
    }

    /** The bundle of an in-toto statement of {@code predicateType} ({@code predicate}: JSON) about {@code file}. */
    public byte[] attest(Path file, String predicateType, byte[] predicate) {
        Digest digest = BlobVerifier.sha256(file);
        Statement statement = Statement.about(file.getFileName().toString(), digest, predicateType, predicate);
        byte[] payload = statement.toJson();
        byte[] sig = SignatureAlgorithms.sign(key.privateKey(), Dsse.pae(Dsse.IN_TOTO, payload));
        Dsse envelope = new Dsse(Dsse.IN_TOTO, payload, List.of(new Dsse.Sig("", sig)));
        byte[] timestamp = tsa == null ? null : tsa.timestamp(sig);
        if (keyless == null) {
            return Bundle.keyBased(envelope, Keys.hint(key.publicKey()), timestamp);
        }
        TlogEntry entry = keyless.logIntoto(envelope, null);
        return Bundle.keyless(envelope, TlogCheck.verifierDer(keyless.certificate()), entry.toBundleNode("intoto", "0.0.2"),
                timestamp);
    }

    /** The largest file signed as a DSSE payload (read whole: the envelope carries it). */
    public static final long MAX_PAYLOAD_BYTES = 16L << 20;

    /**
     * The bundle of a DSSE envelope whose payload is {@code file} itself, of {@code payloadType}
     * (no in-toto statement; the verifier compares the payload with the artifact). Key-based only:
     * logging it keylessly needs Rekor's {@code dsse} kind, which this signer does not write.
     */
    public byte[] attestPayload(Path file, String payloadType) {
        if (keyless != null) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "--payload-type signs with a key only (logging an"
                    + " envelope that is not in-toto needs Rekor's dsse kind); pass --key, or attest an in-toto"
                    + " statement with --type and --predicate");
        }
        if (payloadType.isBlank() || payloadType.equals(Dsse.IN_TOTO)) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--payload-type \"" + payloadType + "\" must name"
                    + " the file's media type (not in-toto: that is --type with --predicate)");
        }
        byte[] payload;
        try (InputStream in = open(file)) {
            payload = in.readNBytes((int) MAX_PAYLOAD_BYTES + 1);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new LimitExceededException("DSSE payload size", MAX_PAYLOAD_BYTES, "File " + file);
        }
        byte[] sig = SignatureAlgorithms.sign(key.privateKey(), Dsse.pae(payloadType, payload));
        Dsse envelope = new Dsse(payloadType, payload, List.of(new Dsse.Sig("", sig)));
        return Bundle.keyBased(envelope, Keys.hint(key.publicKey()), tsa == null ? null : tsa.timestamp(sig));
    }

    private void material(ObjectNode root, TlogEntry entry, String kind, String version, byte[] signature) {
        ObjectNode material = root.putObject("verificationMaterial");
        if (keyless == null) {
            material.putObject("publicKey").put("hint", Keys.hint(key.publicKey()));
        } else {
            material.putObject("certificate").put("rawBytes", Base64.getEncoder().encodeToString(
                    TlogCheck.verifierDer(keyless.certificate())));
            material.putArray("tlogEntries").add(entry.toBundleNode(kind, version));
        }
        if (tsa != null) {
            material.putObject("timestampVerificationData").putArray("rfc3161Timestamps").addObject()
                    .put("signedTimestamp", Base64.getEncoder().encodeToString(tsa.timestamp(signature)));
        }
    }

    private static byte[] bytes(ObjectNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file's digest and the signature over it (ECDSA or RSA with that hash), from one pass over the file. */
    private byte[][] signStreaming(Path file, Scheme scheme) {
        try (InputStream in = open(file)) {
            MessageDigest md = MessageDigest.getInstance(scheme.hash);
            Signature s = Signature.getInstance(scheme.jca);
            s.initSign(key.privateKey());
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
                s.update(buffer, 0, n);
            }
            return new byte[][] {md.digest(), s.sign()};
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + scheme.jca, e);
        }
    }

    /** Pure Ed25519 signs the message itself: the file read whole (bounded), and its SHA-256 for the bundle. */
    private byte[][] signWhole(Path file) {
        try (InputStream in = open(file)) {
            byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, BlobSubject.MAX_ED25519_BYTES + 1));
            if (content.length > BlobSubject.MAX_ED25519_BYTES) {
                throw new LimitExceededException("file size for a pure Ed25519 signature", BlobSubject.MAX_ED25519_BYTES,
                        "File " + file);
            }
            return new byte[][] {MessageDigest.getInstance("SHA-256").digest(content),
                SignatureAlgorithms.sign(key.privateKey(), content)};
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "File " + file + " does not exist or is not a regular"
                    + " file; check the path");
        }
        return Files.newInputStream(file);
    }
}
