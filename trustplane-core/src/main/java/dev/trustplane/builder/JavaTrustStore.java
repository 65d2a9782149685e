package dev.trustplane.builder;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * Writes the Java trust store ({@code /etc/ssl/certs/java/cacerts}) that ca-certificates-java's
 * maintainer script would have generated: a JKS key store of trusted certificates, password
 * {@code changeit}, aliases {@code debian:<file>.pem}. Written by hand because the JDK's
 * key stores stamp entries with the current time and PKCS#12 adds random salts; this output
 * depends only on the certificates and SOURCE_DATE_EPOCH.
 */
final class JavaTrustStore {
    private static final int MAGIC = 0xFEEDFEED;
    private static final int VERSION = 2;
    private static final int TRUSTED_CERT = 2;
    private static final char[] PASSWORD = "changeit".toCharArray();

    private JavaTrustStore() {
    }

    /** {@code certificates}: alias (lower case, as keytool stores it) → PEM text, in alias order. */
    static byte[] jks(Map<String, String> certificates, long epochSeconds) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(body);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(certificates.size());
            for (Map.Entry<String, String> e : certificates.entrySet()) {
                X509Certificate cert = (X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(e.getValue().getBytes(StandardCharsets.US_ASCII)));
                byte[] der = cert.getEncoded();
                out.writeInt(TRUSTED_CERT);
                out.writeUTF(e.getKey());
                out.writeLong(epochSeconds * 1000);
                out.writeUTF("X.509");
                out.writeInt(der.length);
                out.write(der);
            }
            out.flush();
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (char c : PASSWORD) {
                sha1.update((byte) (c >> 8));
                sha1.update((byte) c);
            }
            sha1.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
            sha1.update(body.toByteArray());
            body.write(sha1.digest());
            return body.toByteArray();
        } catch (CertificateException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "A certificate in /usr/share/ca-certificates"
                    + " cannot be read for the Java trust store: " + e.getMessage(), e);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
