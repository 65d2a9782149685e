package dev.trustplane.sigstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.OtherName;

/** What a Fulcio certificate says: its SANs, the OIDC issuer and the other Sigstore extensions. */
public final class FulcioCertificate {
    static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
    static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    /** Fulcio's otherName SAN type for a username identity. */
    public static final String USERNAME_SAN = "1.3.6.1.4.1.57264.1.7";
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

    /**
     * Email, URI and other string SANs, and the otherName SAN Fulcio writes for a username identity
     * ({@value #USERNAME_SAN}, a UTF8String: what sigstore-go and cosign match as the subject).
     */
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() > 1 && san.get(1) instanceof String s) {
                        out.add(s);
                    } else if (san.size() > 1 && san.get(1) instanceof byte[] der
                            && Integer.valueOf(GeneralName.otherName).equals(san.get(0))) {
                        String name = otherName(der);
                        if (name != null) {
                            out.add(name);
                        }
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return out;
    }

    /** The UTF8String value of a Sigstore username otherName SAN given as DER (as the JDK gives it), or null. */
    static String otherName(byte[] der) {
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(der);
            OtherName name = p instanceof ASN1TaggedObject t && t.getTagNo() == GeneralName.otherName
                    ? OtherName.getInstance(t.getBaseObject().toASN1Primitive())
                    : OtherName.getInstance(p);
            if (!USERNAME_SAN.equals(name.getTypeID().getId())) {
                return null;
            }
            ASN1Encodable value = name.getValue();
            return value instanceof ASN1UTF8String s ? s.getString() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
