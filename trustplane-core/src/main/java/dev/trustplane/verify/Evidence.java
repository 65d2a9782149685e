package dev.trustplane.verify;

import dev.trustplane.error.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One signature or attestation found for an image, with every check run on it. It is verified
 * when no check failed or errored; otherwise {@link #failure()} names the first stage that did.
 *
 * @param kind       signature or attestation
 * @param format     where it was stored: the cosign tag scheme, a bundle referrer, or a cosign OCI 1.1 referrer
 * @param location   the tag or manifest digest and the layer that hold it
 * @param predicateType the statement's predicate type (attestations and bundles), else null
 * @param signer     the key hint (SHA-256 of the public key) or certificate subject that verified
 *                   it, when one did — also when the signer was revoked ({@link #revoked()})
 * @param statement  the in-toto statement bytes (attestations) when every stage but revocation
 *                   passed, else null; read it only from {@link #verified()} evidence
 * @param issuer     the keyless certificate's OIDC issuer, or null
 * @param signedAt   the earliest signing time a log entry or timestamp proves, or null
 */
public record Evidence(Kind kind, Format format, String location, String predicateType, String signer,
        List<Check> checks, byte[] statement, String issuer, Instant signedAt) {

    /** Evidence without a keyless issuer or proven signing time. */
    public Evidence(Kind kind, Format format, String location, String predicateType, String signer,
            List<Check> checks, byte[] statement) {
        this(kind, format, location, predicateType, signer, checks, statement, null, null);
    }

    public enum Kind { SIGNATURE, ATTESTATION }

    public enum Format {
        COSIGN_TAG("cosign tag"),
        BUNDLE_REFERRER("bundle referrer"),
        COSIGN_REFERRER("cosign OCI 1.1 referrer"),
        NOTARY_REFERRER("Notary Project signature"),
        /** A Sigstore bundle file beside a blob (verify-blob). */
        BUNDLE_FILE("bundle file"),
        /** cosign's detached signature file, with its certificate file (verify-blob --signature). */
        DETACHED_SIGNATURE("detached signature");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Evidence {
        checks = List.copyOf(checks);
    }

    public boolean verified() {
        return !checks.isEmpty() && checks.stream().allMatch(c -> c.status() == Outcome.PASS
                || c.status() == Outcome.SKIP);
    }

    /** Whether it passed every stage but the last: its signer was revoked. */
    public boolean revoked() {
        Check last = checks.isEmpty() ? null : checks.get(checks.size() - 1);
        return last != null && last.stage().equals("revocation") && last.status() == Outcome.FAIL
                && checks.subList(0, checks.size() - 1).stream().allMatch(c -> c.status() == Outcome.PASS
                        || c.status() == Outcome.SKIP);
    }

    /** The first check that failed or could not decide. */
    public Optional<Check> failure() {
        return checks.stream().filter(c -> c.status() == Outcome.FAIL || c.status() == Outcome.ERROR)
                .findFirst();
    }
}
