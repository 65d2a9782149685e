package dev.trustplane.verify;

import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Verifies the signed certificate timestamps embedded in a Fulcio certificate (RFC 6962 §3.2):
 * each SCT signs the precertificate — the TBS certificate without the SCT list — with the
 * issuer's key hash, under the key of a CT log in the trusted root. One valid SCT suffices.
 */
final class SctCheck {
    static final String SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";
    private static final int MAX_SCTS = 16;

    private SctCheck() {
    }

    /** Null when an SCT verifies, else why none did. */
    static String verify(X509Certificate leaf, X509Certificate issuer, TrustedRoot root) {
        byte[] ext = leaf.getExtensionValue(SCT_LIST_OID);
        if (ext == null) {
            return "the certificate has no embedded SCT";
        }
        try {
            byte[] list = ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
            ByteBuffer in = ByteBuffer.wrap(list);
            int total = in.getShort() & 0xffff;
            if (total != in.remaining()) {
                return "the SCT list is malformed";
            }
            byte[] tbs = precertificate(leaf);
            byte[] issuerKeyHash = MessageDigest.getInstance("SHA-256").digest(issuer.getPublicKey().getEncoded());
            String last = "no SCT from a CT log in the trusted root";
            for (int n = 0; in.hasRemaining() && n < MAX_SCTS; n++) {
                int len = in.getShort() & 0xffff;
                byte[] sct = new byte[len];
                in.get(sct);
                String why = one(sct, tbs, issuerKeyHash, root);
                if (why == null) {
                    return null;
                }
                last = why;
            }
            return last;
        } catch (RuntimeException | IOException | GeneralSecurityException e) {
            return "the SCT list cannot be read";
        }
    }

    private static String one(byte[] sct, byte[] tbs, byte[] issuerKeyHash, TrustedRoot root) {
        ByteBuffer in = ByteBuffer.wrap(sct);
        if (in.get() != 0) {
            return "SCT version is not v1";
        }
        byte[] logId = new byte[32];
        in.get(logId);
        long timestamp = in.getLong();
        byte[] extensions = new byte[in.getShort() & 0xffff];
        in.get(extensions);
        in.get(); // hash algorithm
        in.get(); // signature algorithm
        byte[] signature = new byte[in.getShort() & 0xffff];
        in.get(signature);
        var log = root.ctlog(logId);
        if (log.isEmpty()) {
            return "the SCT is from a CT log that is not in the trusted root";
        }
        if (!log.get().validAt(Instant.ofEpochMilli(timestamp))) {
            return "the SCT's CT log key was not valid at the SCT's time";
        }
        ByteArrayOutputStream signed = new ByteArrayOutputStream(tbs.length + 64);
        signed.write(0); // sct_version v1
        signed.write(0); // signature_type certificate_timestamp
        signed.writeBytes(ByteBuffer.allocate(8).putLong(timestamp).array());
        signed.write(0);
        signed.write(1); // entry_type precert_entry
        signed.writeBytes(issuerKeyHash);
        signed.write((tbs.length >> 16) & 0xff);
        signed.write((tbs.length >> 8) & 0xff);
        signed.write(tbs.length & 0xff);
        signed.writeBytes(tbs);
        signed.write((extensions.length >> 8) & 0xff);
        signed.write(extensions.length & 0xff);
        signed.writeBytes(extensions);
        return SignatureAlgorithms.verify(log.get().key(), signed.toByteArray(), signature) ? null
                : "the SCT signature does not verify with the CT log's key";
    }

    /** The leaf's TBS certificate with the SCT list extension removed, DER encoded. */
    static byte[] precertificate(X509Certificate leaf) throws IOException, CertificateEncodingException {
        ASN1Sequence tbs = ASN1Sequence.getInstance(Certificate.getInstance(leaf.getEncoded()).getTBSCertificate());
        ASN1EncodableVector fields = new ASN1EncodableVector();
        for (ASN1Encodable field : tbs) {
            if (field instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 3) {
                ASN1Sequence exts = ASN1Sequence.getInstance(tagged.getExplicitBaseObject());
                ASN1EncodableVector kept = new ASN1EncodableVector();
                for (ASN1Encodable e : exts) {
                    if (!Extension.getInstance(e).getExtnId().getId().equals(SCT_LIST_OID)) {
                        kept.add(e);
                    }
                }
                fields.add(new DERTaggedObject(true, 3, new DERSequence(kept)));
            } else {
                fields.add(field);
            }
        }
        return new DERSequence(fields).getEncoded(ASN1Encoding.DER);
    }
}
