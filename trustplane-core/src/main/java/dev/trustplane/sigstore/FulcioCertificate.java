package dev.trustplane.sigstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/** What a Fulcio certificate says: its SANs, the OIDC issuer and the other Sigstore extensions. */
public final class FulcioCertificate {
    static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
    static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    /** Names accepted for expected extensions (cosign's flag names without the prefix). */
    public static final Map<String, String> EXTENSION_NAMES = Map.of(
            "github-workflow-trigger", "1.3.6.1.4.1.57264.1.2",
            "github-workflow-sha", "1.3.6.1.4.1.57264.1.3",
            "github-workflow-name", "1.3.6.1.4.1.57264.1.4",
            "github-workflow-repository", "1.3.6.1.4.1.57264.1.5",
            "github-workflow-ref", "1.3.6.1.4.1.57264.1.6",
            "build-signer-uri", "1.3.6.1.4.1.57264.1.9",
            "source-repository-uri", "1.3.6.1.4.1.57264.1.12",
            "source-repository-ref", "1.3.6.1.4.1.57264.1.14",
            "build-trigger", "1.3.6.1.4.1.57264.1.20");

    private final X509Certificate certificate;

    public FulcioCertificate(X509Certificate certificate) {
        this.certificate = certificate;
    }

    public static String oid(String nameOrOid) {
        if (EXTENSION_NAMES.containsKey(nameOrOid)) {
            return EXTENSION_NAMES.get(nameOrOid);
        }
        return nameOrOid.matches("[0-9]+(\\.[0-9]+)+") ? nameOrOid : null;
    }

    /** Email, URI and other string SANs. */
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() > 1 && san.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return out;
    }

    /** The OIDC issuer: the v2 extension (DER UTF8String), else the v1 one (raw bytes). */
    public String issuer() {
        String v2 = extension(ISSUER_V2);
        return v2 != null ? v2 : extension(ISSUER_V1);
    }

    /** An extension's string value: DER-encoded (Fulcio's v2 extensions) or raw UTF-8 (the legacy ones). */
    public String extension(String oid) {
        byte[] outer = certificate.getExtensionValue(oid);
        if (outer == null) {
            return null;
        }
        try {
            byte[] value = ASN1OctetString.getInstance(outer).getOctets();
            try {
                ASN1Primitive inner = ASN1Primitive.fromByteArray(value);
                if (inner instanceof ASN1String s) {
                    return s.getString();
                }
            } catch (IOException | RuntimeException e) {
                // a legacy extension: the raw bytes are the value
            }
            return new String(value, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
