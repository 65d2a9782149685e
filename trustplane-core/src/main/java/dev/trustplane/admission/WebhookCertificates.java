package dev.trustplane.admission;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.BouncyCastle;
import dev.trustplane.sigstore.Keys;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What {@code trustplane admission certs} makes: a self-signed CA, a serving certificate for the
 * webhook's Service DNS names (and any extra hosts) signed by it, and the
 * Validating/MutatingWebhookConfiguration YAML whose {@code caBundle} is that CA. Keys are ECDSA
 * P-256; PEM out.
 */
public final class WebhookCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The generated material, PEM encoded. */
    public record Material(String caCertificate, String caKey, String certificate, String key, List<String> names) {
    }

    private WebhookCertificates() {
    }

    /** The DNS names a Service {@code name} in {@code namespace} is reached by. */
    public static List<String> serviceNames(String service, String namespace) {
        return List.of(service, service + "." + namespace, service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local");
    }

    public static Material generate(List<String> names, Duration validity) {
        try {
            KeyPair ca = keyPair();
            Instant now = Instant.now();
            Date from = Date.from(now.minus(Duration.ofMinutes(5)));
            Date to = Date.from(now.plus(validity));
            X500Name caName = new X500Name("CN=Trustplane admission CA");
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, to, caName,
                    ca.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
            X509Certificate caCert = sign(caBuilder, ca);

            KeyPair leaf = keyPair();
            List<GeneralName> sans = new ArrayList<>();
            for (String n : names) {
                sans.add(isAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
            }
            X509v3CertificateBuilder leafBuilder = new JcaX509v3CertificateBuilder(caCert, serial(), from, to,
                    new X500Name("CN=" + names.get(0)), leaf.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate leafCert = sign(leafBuilder, ca);
            return new Material(pem(caCert), pem(ca.getPrivate()), pem(leafCert), pem(leaf.getPrivate()), List.copyOf(names));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Could not make the webhook certificates: " + e.getMessage());
        }
    }

    /**
     * The webhook configurations for a Service (in-cluster) or a URL (a webhook outside the
     * cluster), both failing closed, for the workload kinds Trustplane reads.
     */
    public static String webhookYaml(String caPem, String service, String namespace, String url, int timeoutSeconds) {
        String bundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        StringBuilder sb = new StringBuilder();
        for (String type : List.of("Mutating", "Validating")) {
            String path = type.equals("Mutating") ? "/mutate" : "/validate";
            sb.append("---\napiVersion: admissionregistration.k8s.io/v1\nkind: ").append(type)
                    .append("WebhookConfiguration\nmetadata:\n  name: trustplane\n  labels:\n    app.kubernetes.io/name: trustplane\n")
                    .append("webhooks:\n  - name: ").append(type.toLowerCase(Locale.ROOT)).append(".trustplane.dev\n")
                    .append("    admissionReviewVersions: [v1]\n    sideEffects: None\n    failurePolicy: Fail\n")
                    .append("    matchPolicy: Equivalent\n    timeoutSeconds: ").append(timeoutSeconds).append('\n');
            if (type.equals("Mutating")) {
                sb.append("    reinvocationPolicy: IfNeeded\n");
            }
            sb.append("    namespaceSelector:\n      matchExpressions:\n        - key: kubernetes.io/metadata.name\n")
                    .append("          operator: NotIn\n          values: [kube-system");
            if (namespace != null) {
                sb.append(", ").append(namespace);
            }
            sb.append("]\n    rules:\n      - apiGroups: [\"\"]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n")
                    .append("        resources: [pods, pods/ephemeralcontainers, replicationcontrollers]\n        scope: Namespaced\n")
                    .append("      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n")
                    .append("        resources: [deployments, replicasets, statefulsets, daemonsets]\n        scope: Namespaced\n")
                    .append("      - apiGroups: [batch]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n")
                    .append("        resources: [jobs, cronjobs]\n        scope: Namespaced\n")
                    .append("    clientConfig:\n");
            if (url != null) {
                sb.append("      url: ").append(url.replaceAll("/+$", "")).append(path).append('\n');
            } else {
                sb.append("      service:\n        name: ").append(service).append("\n        namespace: ").append(namespace)
                        .append("\n        path: ").append(path).append("\n        port: 443\n");
            }
            sb.append("      caBundle: ").append(bundle).append('\n');
        }
        return sb.toString();
    }

    /**
     * A TLS context that trusts exactly the certificates in {@code caPem} (a webhook's CA, a
     * cluster's CA bundle); errors name {@code source}.
     */
    public static SSLContext trusting(String caPem, String source) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : Keys.readCertificates(caPem, source)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot use the CA certificates in " + source + ": "
                    + e.getMessage());
        }
    }

    private static boolean isAddress(String n) {
        if (!n.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(n);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
        return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER).getCertificate(builder.build(signer));
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            if (o instanceof PrivateKey k) {
                p.writeObject(new JcaPKCS8Generator(k, null));
            } else {
                p.writeObject(o);
            }
        }
        return w.toString();
    }
}
