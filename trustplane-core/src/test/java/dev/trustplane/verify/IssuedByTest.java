package dev.trustplane.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The certificate fast path never says "yes" where PKIX would not: a leaf under the right issuer
 * name but signed by another key, an expired intermediate, an unknown critical extension, and an
 * RSA-signed chain are not accepted by it (the last two are left to PKIX).
 */
class IssuedByTest {
    private static final Instant NOW = Instant.now();

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static X509Certificate cert(String subject, String issuer, KeyPair subjectKey, KeyPair issuerKey, boolean ca,
            Instant from, Instant to, boolean oddCritical, String algorithm) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(System.nanoTime()), Date.from(from), Date.from(to), new X500Name(subject),
                subjectKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign : KeyUsage.digitalSignature));
        if (oddCritical) {
            b.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true, DERNull.INSTANCE);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm)
                .build(issuerKey.getPrivate())));
    }

    @Test
    void shouldAcceptOnlyTheRealIssuersSignatureAndLeaveTheUnusualToPkix() throws Exception {
        KeyPair rootKey = ec("secp384r1");
        KeyPair interKey = ec("secp384r1");
        KeyPair other = ec("secp384r1");
        KeyPair leafKey = ec("secp256r1");
        Instant from = NOW.minus(1, ChronoUnit.DAYS);
        Instant to = NOW.plus(1, ChronoUnit.DAYS);
        X509Certificate root = cert("CN=root", "CN=root", rootKey, rootKey, true, from, to, false, "SHA384withECDSA");
        X509Certificate inter = cert("CN=inter", "CN=root", interKey, rootKey, true, from, to, false, "SHA384withECDSA");
        X509Certificate leaf = cert("CN=leaf", "CN=inter", leafKey, interKey, false, from, to, false, "SHA384withECDSA");
        X509Certificate forged = cert("CN=leaf", "CN=inter", leafKey, other, false, from, to, false, "SHA384withECDSA");
        X509Certificate odd = cert("CN=leaf", "CN=inter", leafKey, interKey, false, from, to, true, "SHA384withECDSA");
        X509Certificate expiredInter = cert("CN=inter", "CN=root", interKey, rootKey, true, from.minus(9,
                ChronoUnit.DAYS), from, false, "SHA384withECDSA");

        assertThat(IssuedBy.check(leaf, List.of(inter, root), NOW)).isEqualTo(IssuedBy.Answer.YES);
        assertThat(IssuedBy.check(forged, List.of(inter, root), NOW)).isEqualTo(IssuedBy.Answer.NO);
        assertThat(IssuedBy.check(leaf, List.of(expiredInter, root), NOW)).isEqualTo(IssuedBy.Answer.NO);
        assertThat(IssuedBy.check(odd, List.of(inter, root), NOW)).isEqualTo(IssuedBy.Answer.UNKNOWN);
        // the chain's own signatures are checked too: an intermediate the root did not sign
        X509Certificate strayInter = cert("CN=inter", "CN=root", interKey, other, true, from, to, false,
                "SHA384withECDSA");
        assertThat(IssuedBy.check(leaf, List.of(strayInter, root), NOW)).isEqualTo(IssuedBy.Answer.UNKNOWN);

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaRoot = rsa.generateKeyPair();
        X509Certificate rsaCa = cert("CN=rsa", "CN=rsa", rsaRoot, rsaRoot, true, from, to, false, "SHA256withRSA");
        X509Certificate rsaLeaf = cert("CN=leaf", "CN=rsa", leafKey, rsaRoot, false, from, to, false, "SHA256withRSA");
        assertThat(IssuedBy.check(rsaLeaf, List.of(rsaCa), NOW)).isEqualTo(IssuedBy.Answer.UNKNOWN);
    }
}
