package dev.trustplane.verify;

/**
 * Bounds on what verification reads from a registry: a signed payload, an envelope or bundle, and
 * the number of referrers looked at. Defaults suit images with SBOM attestations of large images.
 */
public record VerifierLimits(long maxPayloadBytes, long maxEnvelopeBytes, int maxReferrers) {
    public static final VerifierLimits DEFAULT = new VerifierLimits(1 << 20, 64L << 20, 256);

    public VerifierLimits {
        if (maxPayloadBytes < 1 || maxEnvelopeBytes < 1 || maxReferrers < 1) {
            throw new IllegalArgumentException("verifier limits must be positive");
        }
    }
}
