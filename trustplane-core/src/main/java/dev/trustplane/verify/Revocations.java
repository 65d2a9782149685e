package dev.trustplane.verify;

import java.time.Instant;
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
     * The revocation that applies to a signature by key {@code hint} (or by the certificate of
     * {@code subject} from {@code issuer}) made at {@code signedAt} (null: not proven).
     */
    public Optional<Revocation> find(String hint, String subject, String issuer, Instant signedAt) {
        return entries.stream().filter(r -> r.covers(hint, subject, issuer, signedAt)).findFirst();
    }
}
