package dev.trustplane.verify;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
            e = new Evidence(kind, Evidence.Format.BUNDLE_REFERRER, bundle.toString(), predicateType, null,
                    List.of(Check.fail("statement", "the bundle holds a message signature, not an attestation;"
                            + " verify it with verify-blob")), null);
        } else {
            e = new EvidenceChecks(trust, digest, predicateType, Instant.now(), file).check(new Candidate(kind,
                    Evidence.Format.BUNDLE_REFERRER, bundle.toString(), predicateType,
                    new Candidate.BundleBytes(json)));
        }
        return new VerificationReport(artifact, digest, kind, List.of(e), List.of());
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
