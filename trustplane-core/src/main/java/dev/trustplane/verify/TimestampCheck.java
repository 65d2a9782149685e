package dev.trustplane.verify;

import dev.trustplane.sigstore.BouncyCastle;
import dev.trustplane.sigstore.TrustedRoot;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * Verifies an RFC 3161 timestamp over a signature against the timestamp authorities of a trusted
 * root: the token imprints the SHA-256 of the signature bytes, is signed by the first certificate
 * of an authority's chain — or by a certificate the token carries that chains to the authority's
 * certificates, as cosign allows when the chain given holds only the CA — (timestamping usage
 * checked by BouncyCastle), the chain validates at the token's time, and the authority was trusted
 * then. Returns the token's time.
 */
public final class TimestampCheck {
    public static final int MAX_BYTES = 64 * 1024;

    private TimestampCheck() {
    }

    /** The time the token vouches for, or null; {@code why[0]} says what failed. */
    static Instant verify(byte[] response, byte[] signature, TrustedRoot root, String[] why) {
        if (response.length > MAX_BYTES) {
            why[0] = "the timestamp is larger than " + MAX_BYTES + " bytes";
            return null;
        }
        TimeStampToken token;
        try {
            token = new TimeStampResponse(response).getTimeStampToken();
        } catch (Exception e) {
            try {
                token = new TimeStampToken(new CMSSignedData(response));
            } catch (Exception e2) {
                why[0] = "the RFC 3161 timestamp cannot be read";
                return null;
            }
        }
        if (token == null) {
            why[0] = "the timestamp response holds no token (the authority refused)";
            return null;
        }
        try {
            var info = token.getTimeStampInfo();
            if (!info.getMessageImprintAlgOID().equals(NISTObjectIdentifiers.id_sha256)
                    || !Arrays.equals(info.getMessageImprintDigest(),
                    MessageDigest.getInstance("SHA-256").digest(signature))) {
                why[0] = "the timestamp is for other bytes than this signature";
                return null;
            }
            Instant time = info.getGenTime().toInstant();
            if (root.tsas().isEmpty()) {
                why[0] = "the trusted root has no timestamp authorities";
                return null;
            }
            why[0] = "the timestamp is not signed by a timestamp authority of the trusted root";
            List<X509Certificate> embedded = embeddedSigners(token);
            for (TrustedRoot.Authority tsa : root.tsas()) {
                // the signer is the chain's first certificate, or (cosign's --timestamp-certificate-chain
                // holding only the CA) a certificate the token carries, which must chain to the CA
                List<List<X509Certificate>> candidates = new ArrayList<>();
                candidates.add(tsa.chain());
                for (X509Certificate leaf : embedded) {
                    List<X509Certificate> full = new ArrayList<>();
                    full.add(leaf);
                    full.addAll(tsa.chain());
                    candidates.add(full);
                }
                for (List<X509Certificate> chain : candidates) {
                    try {
                        SignerInformationVerifier verifier = CachedKeyVerifier.of(chain.get(0));
                        token.validate(verifier);
                    } catch (Exception e) {
                        continue;
                    }
                    if (!tsa.validAt(time) || !chainValidAt(chain, time)) {
                        why[0] = "the timestamp authority " + tsa.uri() + " was not trusted at " + time;
                        return null;
                    }
                    return time;
                }
            }
            return null;
        } catch (Exception e) {
            why[0] = "the RFC 3161 timestamp cannot be checked: " + e.getClass().getSimpleName();
            return null;
        }
    }

    /** The certificates a token carries that match its signer: checked against a trusted chain before use. */
    private static List<X509Certificate> embeddedSigners(TimeStampToken token) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Object o : token.getCertificates().getMatches(token.getSID())) {
                if (o instanceof X509CertificateHolder h && out.size() < 4) {
                    out.add(new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER).getCertificate(h));
                }
            }
        } catch (Exception e) {
            return List.of();
        }
        return out;
    }

    /**
     * Every certificate of {@code chain} valid at {@code time} and signed by the next (the last by
     * itself). The signatures never change, so they are checked once per chain and remembered
     * (bounded); the validity dates are checked every time.
     */
    private static boolean chainValidAt(List<X509Certificate> chain, Instant time) {
        try {
            for (X509Certificate c : chain) {
                c.checkValidity(Date.from(time));
            }
        } catch (Exception e) {
            return false;
        }
        Boolean signed = SIGNED_CHAINS.get(chain);
        if (signed == null) {
            signed = chainSigned(chain);
            if (SIGNED_CHAINS.size() >= 64) {
                SIGNED_CHAINS.clear();
            }
            SIGNED_CHAINS.put(List.copyOf(chain), signed);
        }
        return signed;
    }

    private static boolean chainSigned(List<X509Certificate> chain) {
        try {
            for (int i = 0; i < chain.size(); i++) {
                X509Certificate issuer = chain.get(Math.min(i + 1, chain.size() - 1));
                chain.get(i).verify(issuer.getPublicKey(), BouncyCastle.PROVIDER);
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static final Map<List<X509Certificate>, Boolean> SIGNED_CHAINS = new ConcurrentHashMap<>();
}
