package dev.trustplane.verify;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.Keys;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Verifies a Sigstore bundle against a file, as {@code cosign verify-blob --bundle} and
 * {@code verify-blob-attestation} do: a message signature must sign the file's SHA-256, SHA-384 or
 * SHA-512 (or, pure Ed25519, the file itself), a DSSE
 * envelope's in-toto statement must name it as a subject; everything else (log entry, timestamps,
 * certificate chain, SCT, identity or key) as for images. The file is read streaming, so its size
 * does not matter; the bundle is bounded.
 */
public final class BlobVerifier {
    /** The largest bundle read: Sigstore bundles are a few KiB; a certificate chain and proofs stay far below. */
    public static final long MAX_BUNDLE_BYTES = 4L << 20;
    private static final ObjectMapper JSON = Json.mapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private BlobVerifier() {
    }

    /**
     * The report for {@code artifact} and its {@code bundle}; {@code predicateType} non-null asks
     * for an attestation of that type (verify-blob-attestation), null for any signature.
     */
    public static VerificationReport verify(Path artifact, Path bundle, Trust trust, String predicateType) {
        BlobSubject subject = BlobSubject.of(artifact);
        return verify(subject.sha256(), artifact.toString(), subject, bundle, trust, predicateType);
    }

    /**
     * The same for an artifact given by its SHA-256 alone (the sigstore-conformance protocol's
     * {@code sha256:HEX}): what the bundle signs must be that digest.
     */
    public static VerificationReport verify(Digest digest, String artifact, Path bundle, Trust trust,
            String predicateType) {
        return verify(digest, artifact, null, bundle, trust, predicateType);
    }

    private static VerificationReport verify(Digest digest, String artifact, BlobSubject file, Path bundle,
            Trust trust, String predicateType) {
        byte[] json = readBundle(bundle);
        boolean dsse = new String(json, StandardCharsets.UTF_8).contains("\"dsseEnvelope\"");
        Evidence.Kind kind = predicateType != null || dsse ? Evidence.Kind.ATTESTATION : Evidence.Kind.SIGNATURE;
        Evidence e;
        if (predicateType != null && !dsse) {
            e = new Evidence(kind, Evidence.Format.BUNDLE_FILE, bundle.toString(), predicateType, null,
                    List.of(Check.fail("statement", "the bundle holds a message signature, not an attestation;"
                            + " verify it with verify-blob")), null);
        } else {
            e = new EvidenceChecks(trust, digest, predicateType, Instant.now(), file).check(new Candidate(kind,
                    Evidence.Format.BUNDLE_FILE, bundle.toString(), predicateType,
                    new Candidate.BundleBytes(json)));
        }
        return new VerificationReport(artifact, digest, kind, List.of(e), List.of());
    }

    /**
     * cosign's detached form: {@code signature} (base64, as {@code cosign sign-blob
     * --output-signature} writes it, or raw) over the file, with a {@code certificate} (PEM, or
     * base64 of PEM as {@code --output-certificate} writes it) or null for a key. There is no log
     * entry beside them: cosign would look one up in Rekor, which an offline verifier cannot, so
     * this verifies with {@code --insecure-ignore-tlog} only (or fails its tlog stage saying so).
     */
    public static VerificationReport verifyDetached(Path artifact, Path signature, Path certificate, Trust trust) {
        BlobSubject subject = BlobSubject.of(artifact);
        byte[] sig = decodeMaybeBase64(readSmall(signature, "signature", 64 * 1024));
        ObjectNode root = JSON.createObjectNode();
        root.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
        ObjectNode material = root.putObject("verificationMaterial");
        if (certificate != null) {
            byte[] pem = decodeMaybeBase64(readSmall(certificate, "certificate", Keys.MAX_KEY_FILE_BYTES));
            List<X509Certificate> certs = Keys.readCertificates(new String(pem, StandardCharsets.UTF_8),
                    "certificate " + certificate);
            if (certs.isEmpty()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Certificate " + certificate + " holds no PEM"
                        + " certificate");
            }
            try {
                material.putObject("certificate").put("rawBytes", B64.encodeToString(certs.get(0).getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Certificate " + certificate
                        + " cannot be encoded: " + e.getMessage(), e);
            }
        } else {
            material.putObject("publicKey").put("hint", "");
        }
        material.putArray("tlogEntries");
        ObjectNode message = root.putObject("messageSignature");
        message.putObject("messageDigest").put("algorithm", "SHA2_256")
                .put("digest", B64.encodeToString(HexFormat.of().parseHex(subject.sha256().hex())));
        message.put("signature", B64.encodeToString(sig));
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Evidence e = new EvidenceChecks(trust, subject.sha256(), null, Instant.now(), subject).check(new Candidate(
                Evidence.Kind.SIGNATURE, Evidence.Format.DETACHED_SIGNATURE, signature.toString(), null,
                new Candidate.BundleBytes(json)));
        return new VerificationReport(artifact.toString(), subject.sha256(), Evidence.Kind.SIGNATURE, List.of(e),
                List.of());
    }

    /** Base64 text decoded (line breaks allowed), anything else as it is: cosign accepts both. */
    private static byte[] decodeMaybeBase64(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1).strip();
        if (text.isEmpty() || !text.matches("[A-Za-z0-9+/=\\s]+")) {
            return bytes;
        }
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return bytes;
        }
    }

    private static byte[] readSmall(Path file, String what, long max) {
        if (!Files.isRegularFile(file)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "The " + what + " file " + file + " does not exist or"
                    + " is not a regular file; give the file cosign sign-blob --output-" + what + " wrote");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) max + 1);
            if (bytes.length > max) {
                throw new LimitExceededException(what + " file size", max, "File " + file);
            }
            return bytes;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of a regular file, read streaming. */
    public static Digest sha256(Path file) {
        return BlobSubject.of(file).sha256();
    }

    private static byte[] readBundle(Path bundle) {
        if (!Files.isRegularFile(bundle)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Bundle " + bundle + " does not exist or is not a"
                    + " regular file; give the file cosign sign-blob --bundle or trustplane sign-blob wrote");
        }
        try (InputStream in = Files.newInputStream(bundle)) {
            byte[] bytes = in.readNBytes((int) MAX_BUNDLE_BYTES + 1);
            if (bytes.length > MAX_BUNDLE_BYTES) {
                throw new LimitExceededException("bundle size", MAX_BUNDLE_BYTES, "Bundle " + bundle);
            }
            return bytes;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read bundle " + bundle + ": " + e.getMessage(), e);
        }
    }
}
