package dev.trustplane.verify;

import dev.trustplane.error.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The signers no longer trusted: public keys (by key hint) and keyless identities (certificate
 * subject and OIDC issuer), each from a moment on or entirely. A signature by a revoked signer
 * fails its "revocation" stage; one whose signing time a transparency log or timestamp proves to
 * be before the revocation's {@code since} still verifies. A signature with no proven signing
 * time could have been made at any moment, so any revocation of its signer applies to it.
 *
 * @param version changes whenever the list changes: part of every cache key of a verification
 */
public record Revocations(long version, List<Revocation> entries) {

    /** Nothing revoked. */
    public static final Revocations NONE = new Revocations(0, List.of());

    public Revocations {
        entries = List.copyOf(entries);
    }

    /**
     * One revoked signer.
     *
     * @param id        the store's number for it (what {@code trust unrevoke} takes)
     * @param keyHint   the key hint (base64 SHA-256 of the public key), or null for an identity
     * @param subject   the certificate subject (SAN) of a keyless identity, or null for a key
     * @param issuer    the OIDC issuer of a keyless identity, or null for a key
     * @param since     signatures made from this moment on are revoked; null: every signature
     * @param revokedAt when the revocation was recorded
     */
    public record Revocation(long id, String keyHint, String subject, String issuer, Instant since, String reason,
            Instant revokedAt) {

        /** {@code key HINT} or {@code SUBJECT from ISSUER}. */
        public String signer() {
            return keyHint != null ? "key " + keyHint : subject + " from " + issuer;
        }

        /** How a failure names it: signer, scope, reason and number. */
        public String describe() {
            return signer() + " was revoked " + (since == null ? "for every signature" : "for signatures made from "
                    + since + " on") + " (revocation " + id + ", recorded " + revokedAt + ": " + reason + ")";
        }

        boolean covers(String hint, String certSubject, String certIssuer, Instant signedAt) {
            boolean who = keyHint != null ? keyHint.equals(hint)
                    : subject.equals(certSubject) && issuer.equals(certIssuer);
            return who && (since == null || signedAt == null || !signedAt.isBefore(since));
        }
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The revocation stage for evidence signed by {@code signer} (a key hint, or a certificate
     * subject when {@code issuer} is given) at {@code signedAt} (null: not proven).
     */
    Check check(String signer, String issuer, Instant signedAt) {
        var found = find(issuer == null ? signer : null, issuer == null ? null : signer, issuer, signedAt);
        if (found.isPresent()) {
            return Check.fail("revocation", "signed by " + found.get().describe() + (signedAt == null
                    ? "; no transparency log or timestamp proves when it was signed" : "; signed at " + signedAt)
                    + ". Re-sign the image with a trusted signer");
        }
        return Check.pass("revocation", "the signer is not revoked (revocation list version " + version + ")");
    }

    /**
     * {@code e} judged again under this list: its revocation stage (if any) dropped and, when every
     * other stage passed, run again. A pure function of the evidence — how a cached verification
     * follows a revocation, or its lifting, without reading the registry again.
     */
    public Evidence reapply(Evidence e) {
        List<Check> checks = new ArrayList<>(e.checks());
        if (!checks.isEmpty() && checks.get(checks.size() - 1).stage().equals("revocation")) {
            checks.remove(checks.size() - 1);
        }
        boolean passed = !checks.isEmpty() && checks.stream().allMatch(c -> c.status() == Outcome.PASS
                || c.status() == Outcome.SKIP);
        if (passed && e.signer() != null && !entries.isEmpty()) {
            checks.add(check(e.signer(), e.issuer(), e.signedAt()));
        }
        return new Evidence(e.kind(), e.format(), e.location(), e.predicateType(), e.signer(), checks, e.statement(),
                e.issuer(), e.signedAt());
    }

    /**
     * The revocation that applies to a signature by key {@code hint} (or by the certificate of
     * {@code subject} from {@code issuer}) made at {@code signedAt} (null: not proven).
     */
    public Optional<Revocation> find(String hint, String subject, String issuer, Instant signedAt) {
        return entries.stream().filter(r -> r.covers(hint, subject, issuer, signedAt)).findFirst();
    }
}
