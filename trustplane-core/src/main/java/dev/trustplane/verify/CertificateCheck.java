package dev.trustplane.verify;

import dev.trustplane.sigstore.BouncyCastle;
import dev.trustplane.sigstore.TrustedRoot;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks a signing certificate against the certificate authorities of a trusted root at the
 * signing time: the path leaf → the authority's intermediates → its root must validate (PKIX,
 * each certificate valid at that time), the authority must be trusted at that time, and the leaf
 * must be for code signing. Chains shipped with a signature are ignored: only the trusted root's
 * intermediates are used, so a signature cannot bring its own authority.
 */
final class CertificateCheck {
    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

    private CertificateCheck() {
    }

    /** The authority that issued {@code leaf}, or null; {@code why[0]} says what failed. */
    static TrustedRoot.Authority verify(X509Certificate leaf, TrustedRoot root, Instant time, String[] why) {
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku == null || !eku.contains(CODE_SIGNING)) {
                why[0] = "the certificate is not for code signing (no codeSigning extended key usage)";
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
                : "the certificate does not chain to a certificate authority of the trusted root";
        for (TrustedRoot.Authority ca : root.authorities()) {
            List<X509Certificate> chain = ca.chain();
            X509Certificate anchor = chain.get(chain.size() - 1);
            List<X509Certificate> path = new ArrayList<>();
            path.add(leaf);
            path.addAll(chain.subList(0, chain.size() - 1));
            try {
                CertPath certPath = CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER).generateCertPath(path);
                PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
                params.setRevocationEnabled(false);
                params.setDate(Date.from(time));
                CertPathValidator.getInstance("PKIX", BouncyCastle.PROVIDER).validate(certPath, params);
            } catch (GeneralSecurityException | RuntimeException e) {
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
}
