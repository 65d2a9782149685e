package dev.trustplane.verify;

import dev.trustplane.sigstore.SignatureAlgorithms;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fast path of {@link CertificateCheck} for the shape every Sigstore authority has — a leaf
 * issued by the first certificate of the authority's own chain: the chain's own signatures and CA
 * constraints are checked once per chain and remembered, so each verification checks only the
 * leaf's signature (with the issuer's cached key parameters, {@link SignatureAlgorithms}) and
 * every certificate's validity at the signing time. Anything outside the plain shape — a critical
 * extension other than key usage, basic constraints, SANs or extended key usage; name or policy
 * constraints; a signature algorithm other than ECDSA with SHA-2 — answers "unknown", and the
 * caller validates with PKIX as before; so does "no". It never answers "yes" where PKIX would not.
 */
final class IssuedBy {
    enum Answer { YES, NO, UNKNOWN }

    private static final Set<String> LEAF_CRITICAL = Set.of("2.5.29.15", "2.5.29.19", "2.5.29.17", "2.5.29.37");
    private static final Set<String> CA_CRITICAL = Set.of("2.5.29.15", "2.5.29.19");
    private static final String NAME_CONSTRAINTS = "2.5.29.30";
    private static final String POLICY_CONSTRAINTS = "2.5.29.36";
    /** ECDSA with SHA-2 only: RSA (PKCS#1 or PSS) certificates take the PKIX path. */
    private static final Map<String, String> HASHES = Map.of(
            "1.2.840.10045.4.3.2", "SHA-256", "1.2.840.10045.4.3.3", "SHA-384", "1.2.840.10045.4.3.4", "SHA-512");
    /** Chains whose own signatures and CA constraints were checked: true when they hold. Bounded. */
    private static final Map<List<X509Certificate>, Boolean> CHAINS = new ConcurrentHashMap<>();

    private IssuedBy() {
    }

    /** Whether {@code leaf} chains to {@code chain} (intermediates…, root last) at {@code time}. */
    static Answer check(X509Certificate leaf, List<X509Certificate> chain, Instant time) {
        if (!plain(leaf, LEAF_CRITICAL) || !chainHolds(chain)) {
            return Answer.UNKNOWN;
        }
        X509Certificate issuer = chain.get(0);
        if (!leaf.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return Answer.UNKNOWN;
        }
        Boolean signed = signedBy(leaf, issuer);
        if (signed == null) {
            return Answer.UNKNOWN;
        }
        if (!signed) {
            return Answer.NO;
        }
        // PKIX checks the validity of every certificate but the anchor (the chain's last)
        for (X509Certificate c : chain.subList(0, chain.size() - 1)) {
            if (time.isBefore(c.getNotBefore().toInstant()) || time.isAfter(c.getNotAfter().toInstant())) {
                return Answer.NO;
            }
        }
        return Answer.YES;
    }

    /** The chain's certificates are CAs that sign one another in order, with nothing unusual: once per chain. */
    private static boolean chainHolds(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return false;
        }
        Boolean known = CHAINS.get(chain);
        if (known != null) {
            return known;
        }
        boolean holds = true;
        for (int i = 0; i < chain.size() && holds; i++) {
            X509Certificate c = chain.get(i);
            holds = plain(c, CA_CRITICAL) && c.getBasicConstraints() >= 0 && (c.getKeyUsage() == null
                    || c.getKeyUsage().length > 5 && c.getKeyUsage()[5]) && c.getBasicConstraints() >= i
                    && (i == chain.size() - 1 || c.getIssuerX500Principal().equals(
                    chain.get(i + 1).getSubjectX500Principal()) && Boolean.TRUE.equals(signedBy(c, chain.get(i + 1))));
        }
        if (CHAINS.size() >= 64) {
            CHAINS.clear();
        }
        CHAINS.put(List.copyOf(chain), holds);
        return holds;
    }

    private static boolean plain(X509Certificate c, Set<String> allowedCritical) {
        Set<String> critical = c.getCriticalExtensionOIDs();
        return (critical == null || allowedCritical.containsAll(critical))
                && c.getExtensionValue(NAME_CONSTRAINTS) == null && c.getExtensionValue(POLICY_CONSTRAINTS) == null;
    }

    /** Whether {@code issuer}'s key signed {@code c}; null for a signature algorithm this path does not take. */
    private static Boolean signedBy(X509Certificate c, X509Certificate issuer) {
        String hash = HASHES.get(c.getSigAlgOID());
        if (hash == null || c.getSigAlgParams() != null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance(hash).digest(c.getTBSCertificate());
            return SignatureAlgorithms.verifyDigest(issuer.getPublicKey(), hash, digest, c.getSignature());
        } catch (GeneralSecurityException e) {
            return Boolean.FALSE;
        }
    }
}
