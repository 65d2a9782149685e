package dev.trustplane.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
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
 * {@code attest-blob} write them: a message signature over the file's SHA-256 (ECDSA P-256, the
 * digest cosign and every verifier expect), or a DSSE envelope with an in-toto statement whose
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

    /** The bundle of a message signature over {@code file}. */
    public byte[] sign(Path file) {
        if (!(key.privateKey() instanceof ECPrivateKey ec) || ec.getParams().getOrder().bitLength() != 256) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "sign-blob signs with ECDSA P-256 keys (cosign's"
                    + " default), whose message signatures carry the SHA-256 every verifier expects; this key is "
                    + key.privateKey().getAlgorithm() + " — make one with `trustplane keygen`, or use attest-blob");
        }
        byte[][] digestAndSignature = signStreaming(file);
        byte[] digest = digestAndSignature[0];
        byte[] signature = digestAndSignature[1];
        ObjectNode root = JSON.createObjectNode();
        root.put("mediaType", Bundle.MEDIA_TYPE_V03);
        material(root, keyless == null ? null : keyless.logHashedRekord(HexFormat.of().formatHex(digest), signature),
                "hashedrekord", "0.0.1", signature);
        ObjectNode message = root.putObject("messageSignature");
        message.putObject("messageDigest").put("algorithm", "SHA2_256")
                .put("digest", Base64.getEncoder().encodeToString(digest));
        message.put("signature", Base64.getEncoder().encodeToString(signature));
        return bytes(root);
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

    /** The file's SHA-256 and the ECDSA (SHA-256) signature over it, from one pass over the file. */
    private byte[][] signStreaming(Path file) {
        try (InputStream in = open(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Signature s = Signature.getInstance("SHA256withECDSA");
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
            throw new IllegalStateException("cannot sign with an ECDSA key", e);
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
