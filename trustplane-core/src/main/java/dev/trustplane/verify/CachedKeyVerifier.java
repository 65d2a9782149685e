package dev.trustplane.verify;

import dev.trustplane.sigstore.BouncyCastle;
import dev.trustplane.sigstore.SignatureAlgorithms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;

/**
 * A CMS signer verifier for RFC 3161 tokens whose raw ECDSA check goes through
 * {@link SignatureAlgorithms}, which keeps each authority key's precomputed parameters: every
 * CMS rule (signed attributes, message digest, ESS certificate identifier, validity at the
 * token's time) stays BouncyCastle's; only the elliptic-curve arithmetic is reused between
 * tokens of the same authority. Other algorithms use BouncyCastle's JCA verifier as before.
 */
final class CachedKeyVerifier {
    /** ECDSA with SHA-2, by signature algorithm OID. */
    private static final Map<String, String> ECDSA = Map.of(
            "1.2.840.10045.4.3.2", "SHA-256", "1.2.840.10045.4.3.3", "SHA-384", "1.2.840.10045.4.3.4", "SHA-512");

    private CachedKeyVerifier() {
    }

    static SignerInformationVerifier of(X509Certificate signer) throws OperatorCreationException,
            CertificateEncodingException {
        if (!(signer.getPublicKey() instanceof ECPublicKey)) {
            return new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER).build(signer);
        }
        X509CertificateHolder holder;
        try {
            holder = new X509CertificateHolder(signer.getEncoded());
        } catch (IOException e) {
            throw new OperatorCreationException("cannot read the timestamp authority's certificate", e);
        }
        ContentVerifierProvider provider = new ContentVerifierProvider() {
            @Override
            public boolean hasAssociatedCertificate() {
                return true;
            }

            @Override
            public X509CertificateHolder getAssociatedCertificate() {
                return holder;
            }

            @Override
            public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
                String hash = ECDSA.get(algorithm.getAlgorithm().getId());
                if (hash == null || algorithm.getParameters() != null) {
                    return new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER).build(signer)
                            .getContentVerifier(algorithm, null);
                }
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                return new ContentVerifier() {
                    @Override
                    public AlgorithmIdentifier getAlgorithmIdentifier() {
                        return algorithm;
                    }

                    @Override
                    public OutputStream getOutputStream() {
                        return data;
                    }

                    @Override
                    public boolean verify(byte[] signature) {
                        try {
                            byte[] digest = MessageDigest.getInstance(hash).digest(data.toByteArray());
                            return SignatureAlgorithms.verifyDigest(signer.getPublicKey(), hash, digest, signature);
                        } catch (NoSuchAlgorithmException e) {
                            return false;
                        }
                    }
                };
            }
        };
        return new SignerInformationVerifier(new DefaultCMSSignatureAlgorithmNameGenerator(),
                new DefaultSignatureAlgorithmIdentifierFinder(), provider, new BcDigestCalculatorProvider());
    }
}
