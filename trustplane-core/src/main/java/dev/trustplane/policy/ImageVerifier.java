package dev.trustplane.policy;

import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.verify.VerificationReport;

/** What the engine asks of the outside world: tag resolution and signature/attestation verification. */
public interface ImageVerifier {

    /** The manifest digest {@code image}'s tag points to; throws when the registry cannot say. */
    Digest resolve(ImageReference image, boolean useCache);

    /**
     * The signatures of {@code digest} checked against {@code attestor}; evidence is read from
     * {@code repository} when given (cosign's COSIGN_REPOSITORY), else from the image's own.
     */
    VerificationReport signatures(ImageReference image, Digest digest, String repository, Attestor attestor,
            boolean useCache);

    /** The attestations of {@code digest} of {@code predicateType}, checked against {@code attestor}. */
    VerificationReport attestations(ImageReference image, Digest digest, String repository, Attestor attestor,
            String predicateType, boolean useCache);
}
