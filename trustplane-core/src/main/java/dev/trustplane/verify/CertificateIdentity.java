package dev.trustplane.verify;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.FulcioCertificate;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Who a keyless signature must come from: the certificate's subject (a SAN: email or URI) and the
 * OIDC issuer, each exact or as a regular expression, plus expected Fulcio extensions (GitHub
 * workflow repository, ref, SHA, trigger, name) by name or OID. Regular expressions match
 * anywhere in the value, as cosign's and Kyverno's do; anchor them with {@code ^…$}. Without an
 * issuer and an issuer regex no OIDC issuer is required: only for certificates of the user's own
 * CAs (bring-your-own PKI), which front ends allow only with {@code --ca-roots},
 * {@code --certificate-chain} or a policy's {@code roots}. A certificate without an issuer
 * extension has the issuer "" for matching, as in cosign ({@code --certificate-oidc-issuer-regexp '.*'}
 * accepts it).
 */
public record CertificateIdentity(String subject, Pattern subjectRegex, String issuer, Pattern issuerRegex,
        Map<String, String> extensions) {

    public CertificateIdentity {
        if (subject == null && subjectRegex == null) {
            throw new IllegalArgumentException("a certificate identity needs a subject or a subject regex");
        }
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
        for (String name : extensions.keySet()) {
            if (FulcioCertificate.oid(name) == null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                        "Unknown certificate extension " + name + "; use one of "
                        + new TreeSet<>(FulcioCertificate.EXTENSION_NAMES.keySet()) + " or an OID");
            }
        }
    }

    /** Compiles a user's regular expression, naming the flag when it is invalid. */
    public static Pattern regex(String text, String flag) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                    flag + " " + text + " is not a valid regular expression: " + e.getDescription());
        }
    }

    boolean subjectMatches(String value) {
        return subject != null ? subject.equals(value) : subjectRegex.matcher(value).find();
    }

    boolean issuerMatches(String value) {
        return issuer != null ? issuer.equals(value) : issuerRegex.matcher(value).find();
    }

    @Override
    public String toString() {
        return "subject " + (subject != null ? subject : "~" + subjectRegex.pattern()) + ", issuer "
                + (issuer != null ? issuer : issuerRegex != null ? "~" + issuerRegex.pattern() : "(any or none)") + (extensions.isEmpty() ? "" : ", " + extensions);
    }

    /** Checks a Fulcio certificate against this identity; null when it matches, else why not. */
    public String mismatch(FulcioCertificate certificate) {
        List<String> subjects = certificate.subjects();
        if (subjects.stream().noneMatch(this::subjectMatches)) {
            return "certificate subject " + subjects + " is not " + (subject() != null ? subject()
                    : "matched by " + subjectRegex().pattern());
        }
        String issuer = certificate.issuer();
        boolean issuerRequired = issuer() != null || issuerRegex() != null;
        if (issuerRequired && !issuerMatches(issuer == null ? "" : issuer)) {
            return "certificate issuer " + (issuer == null ? "(none: no OIDC issuer extension)" : issuer) + " is not " + (issuer() != null ? issuer()
                    : "matched by " + issuerRegex().pattern());
        }
        for (Map.Entry<String, String> e : extensions().entrySet()) {
            String actual = certificate.extension(FulcioCertificate.oid(e.getKey()));
            if (!e.getValue().equals(actual)) {
                return "certificate extension " + e.getKey() + " is " + actual + ", not " + e.getValue();
            }
        }
        return null;
    }
}
