package dev.trustplane.verify;

import dev.trustplane.sigstore.BouncyCastle;
import dev.trustplane.sigstore.TrustedRoot;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a signing certificate against the certificate authorities of a trusted root at the
 * signing time: the path leaf → the authority's intermediates → its root must validate (PKIX,
 * each certificate valid at that time), the authority must be trusted at that time, and the leaf
 * must be for code signing (an extended key usage naming it or any usage, or none at all, as
 * RFC 5280 and Go's x509 read a missing extension). Intermediates shipped with a signature help
 * build the path but never end it: every path ends at a root of the trusted root's (or the
 * user's) authorities, so a signature cannot bring its own authority.
 */
final class CertificateCheck {
    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    private static final String ANY_EKU = "2.5.29.37.0";

    private CertificateCheck() {
    }

    /** The authority that issued {@code leaf}, or null; {@code why[0]} says what failed. */
    static TrustedRoot.Authority verify(X509Certificate leaf, TrustedRoot root, Instant time, String[] why) {
        return verify(leaf, List.of(), root, time, why);
    }

    /**
     * The same, with the intermediates shipped beside the signature ({@code shipped}: a bundle's
     * chain, cosign's chain annotation, {@code --certificate-chain}) available for building the
     * path — never as anchors: a path must still end at a root of the authority.
     */
    static TrustedRoot.Authority verify(X509Certificate leaf, List<X509Certificate> shipped, TrustedRoot root,
            Instant time, String[] why) {
        try {
            // RFC 5280 §4.2.1.12, as Go's x509 (so cosign and sigstore-go) reads it: without the
            // extension the key is not restricted (a user's own CA may omit it; Fulcio never does);
            // with it, it must name code signing
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CODE_SIGNING) && !eku.contains(ANY_EKU)) {
                why[0] = "the certificate is not for code signing (its extended key usage " + eku
                        + " lacks codeSigning)";
                return null;
            }
        } catch (CertificateParsingException e) {
            why[0] = "the certificate's extended key usage cannot be read";
            return null;
        }
        if (time.isBefore(leaf.getNotBefore().toInstant()) || time.isAfter(leaf.getNotAfter().toInstant())) {
            why[0] = "the certificate was not valid at the signing time " + time + " (valid "
                    + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ")";
            return null;
        }
        why[0] = root.authorities().isEmpty() ? "the trusted root has no certificate authorities"
                : root.authorities().size() == 1 && root.authorities().get(0).uri().startsWith("--")
                ? "the certificate does not chain to the CAs given with " + root.authorities().get(0).uri()
                : "the certificate does not chain to a certificate authority of the trusted root";
        for (TrustedRoot.Authority ca : root.authorities()) {
            if (!chains(leaf, ca.chain(), shipped, time)) {
                continue;
            }
            if (!ca.validAt(time)) {
                why[0] = "the certificate authority " + ca.uri() + " was not trusted at the signing time " + time;
                return null;
            }
            return ca;
        }
        return null;
    }

    /**
     * Whether {@code leaf} chains to the authority at {@code time}. First {@link IssuedBy}'s fast
     * path (the authority's chain checked once, then the leaf's own signature); then the authority's own path
     * (leaf, its intermediates, its last certificate as the anchor: Fulcio's shape, the fast path);
     * then, when the authority holds several roots (a user's CA bundle) or intermediates were
     * shipped, a PKIX path built from every self-signed certificate of the authority as anchors
     * and the rest as candidate intermediates.
     */
    private static boolean chains(X509Certificate leaf, List<X509Certificate> chain, List<X509Certificate> shipped,
            Instant time) {
        if (IssuedBy.check(leaf, chain, time) == IssuedBy.Answer.YES) {
            return true;
        }
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        path.addAll(chain.subList(0, chain.size() - 1));
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER).generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(chain.get(chain.size() - 1), null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(time));
            CertPathValidator.getInstance("PKIX", BouncyCastle.PROVIDER).validate(certPath, params);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            // try building a path below
        }
        Set<X509Certificate> roots = new LinkedHashSet<>();
        List<X509Certificate> candidates = new ArrayList<>();
        candidates.add(leaf);
        for (X509Certificate c : chain) {
            if (selfSigned(c)) {
                roots.add(c);
            } else {
                candidates.add(c);
            }
        }
        roots.add(chain.get(chain.size() - 1));
        shipped.stream().filter(c -> !selfSigned(c)).limit(MAX_SHIPPED).forEach(candidates::add);
        if (shipped.isEmpty() && roots.size() == 1 && chain.size() <= 2) {
            return false;
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(time));
            params.setMaxPathLength(MAX_SHIPPED);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(candidates),
                    BouncyCastle.PROVIDER));
            CertPathBuilder.getInstance("PKIX", BouncyCastle.PROVIDER).build(params);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The most intermediates taken from beside a signature. */
    private static final int MAX_SHIPPED = 8;

    /** A certificate that names itself as issuer and verifies with its own key: a root. */
    static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
