package dev.trustplane.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.Outcome;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.BouncyCastle;
import dev.trustplane.sigstore.TrustedRoot;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * A Notary Project signature envelope in JWS JSON serialization (notation's default, {@code
 * application/jose+json}) verified against a trust store, with the {@code notary.x509} signing
 * scheme of the Notary Project specification: the protected header's critical parameters known
 * and present; content type {@code application/vnd.cncf.notary.payload.v1+json}; the signature
 * (PS256/384/512 or ES256/384/512) by the first {@code x5c} certificate; the chain from it to a
 * certificate of the trust store, each valid now (the signing time of notary.x509 is the signer's
 * own claim, so it extends nothing); the leaf allowed to sign code; the payload's
 * {@code targetArtifact} the image; an {@code expiry} not passed. Timestamps
 * ({@code io.cncf.notary.timestampSignature}) are not needed under these rules and not read.
 */
final class NotaryEnvelope {
    static final String PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json";
    private static final ObjectMapper JSON = Json.mapper();
    private static final Set<String> CRITICAL_KNOWN = Set.of("io.cncf.notary.signingScheme", "io.cncf.notary.expiry");
    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    private static final String ANY_EKU = "2.5.29.37.0";

    /** What a verification found: the checks, and when verified the signer and claimed signing time. */
    record Result(List<Check> checks, String signer, Instant signedAt) {
    }

    private NotaryEnvelope() {
    }

    static Result verify(byte[] envelope, Digest target, List<X509Certificate> trustStore, Instant now) {
        List<Check> checks = new ArrayList<>();
        JsonNode jws;
        JsonNode header;
        byte[] payload;
        String protectedB64;
        byte[] signature;
        List<X509Certificate> chain = new ArrayList<>();
        try {
            jws = JSON.readTree(envelope);
            if (jws == null || !jws.isObject()) {
                return fail(checks, "envelope", "the signature envelope is not a JWS JSON object");
            }
            for (Iterator<String> it = jws.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!Set.of("payload", "protected", "header", "signature").contains(f)) {
                    return fail(checks, "envelope", "the JWS has a field \"" + f + "\" the Notary format does not define");
                }
            }
            protectedB64 = jws.path("protected").asText("");
            header = JSON.readTree(Base64.getUrlDecoder().decode(protectedB64));
            payload = Base64.getUrlDecoder().decode(jws.path("payload").asText(""));
            signature = Base64.getUrlDecoder().decode(jws.path("signature").asText(""));
            JsonNode x5c = jws.path("header").path("x5c");
            if (!x5c.isArray() || x5c.isEmpty() || x5c.size() > 10) {
                return fail(checks, "envelope", "the JWS header has no x5c certificate chain (1 to 10 certificates)");
            }
            for (int i = 0; i < x5c.size(); i++) {
                chain.add(TrustedRoot.certificate(Base64.getDecoder().decode(x5c.get(i).asText("")), "the Notary"
                        + " signature", "x5c[" + i + "]"));
            }
        } catch (TrustplaneException e) {
            return fail(checks, "envelope", e.getMessage());
        } catch (Exception e) {
            return fail(checks, "envelope", "the signature envelope cannot be read as JWS (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (header == null || !header.isObject()) {
            return fail(checks, "envelope", "the JWS protected header is not a JSON object");
        }
        String problem = header(header);
        if (problem != null) {
            return fail(checks, "envelope", problem);
        }
        checks.add(new Check("envelope", Outcome.PASS, "JWS, notary.x509, " + header.path("alg").asText()));
        X509Certificate leaf = chain.get(0);
        try {
            if (!verifies(header.path("alg").asText(), leaf.getPublicKey(),
                    (protectedB64 + "." + jws.path("payload").asText()).getBytes(StandardCharsets.US_ASCII), signature)) {
                return fail(checks, "signature", "the JWS signature does not verify with the signing certificate's key");
            }
        } catch (Exception e) {
            return fail(checks, "signature", "the JWS signature cannot be checked: " + e.getMessage());
        }
        checks.add(new Check("signature", Outcome.PASS, "verified with " + leaf.getSubjectX500Principal().getName()));
        String chainProblem = chain(chain, trustStore, now);
        if (chainProblem != null) {
            return fail(checks, "certificate", chainProblem);
        }
        checks.add(new Check("certificate", Outcome.PASS, "chains to the trust store, valid now"));
        Digest signed;
        try {
            JsonNode artifact = JSON.readTree(payload).path("targetArtifact");
            signed = Digest.parse(artifact.path("digest").asText(""));
        } catch (Exception e) {
            return fail(checks, "payload", "the signed payload names no targetArtifact digest");
        }
        if (!signed.equals(target)) {
            return fail(checks, "payload", "the signature is for " + signed + ", not for this image (" + target + ")");
        }
        checks.add(new Check("payload", Outcome.PASS, "signs " + target));
        Instant signedAt = time(header.path("io.cncf.notary.signingTime").asText(""));
        if (header.has("io.cncf.notary.expiry")) {
            Instant expiry = time(header.path("io.cncf.notary.expiry").asText(""));
            if (!now.isBefore(expiry)) {
                return fail(checks, "expiry", "the signature expired at " + expiry);
            }
            checks.add(new Check("expiry", Outcome.PASS, "valid until " + expiry));
        }
        return new Result(checks, leaf.getSubjectX500Principal().getName(), signedAt);
    }

    private static Result fail(List<Check> checks, String stage, String why) {
        checks.add(new Check(stage, Outcome.FAIL, why));
        return new Result(checks, null, null);
    }

    /** The protected header's problem, or null: critical parameters, content type, scheme, times. */
    private static String header(JsonNode h) {
        String alg = h.path("alg").asText("");
        if (!Set.of("PS256", "PS384", "PS512", "ES256", "ES384", "ES512").contains(alg)) {
            return "the signature algorithm \"" + alg + "\" is not one the Notary Project allows";
        }
        if (!PAYLOAD_TYPE.equals(h.path("cty").asText(""))) {
            return "the content type is \"" + h.path("cty").asText("") + "\", not " + PAYLOAD_TYPE;
        }
        JsonNode crit = h.path("crit");
        if (!crit.isArray()) {
            return "the protected header has no crit list";
        }
        List<String> critical = new ArrayList<>();
        crit.forEach(c -> critical.add(c.asText()));
        if (!critical.contains("io.cncf.notary.signingScheme")) {
            return "io.cncf.notary.signingScheme is not marked critical";
        }
        for (String c : critical) {
            if (!CRITICAL_KNOWN.contains(c)) {
                return "the critical header parameter " + c + " is not understood (a verification plugin or an"
                        + " extension Trustplane does not implement)";
            }
            if (!h.has(c)) {
                return "the critical header parameter " + c + " is missing";
            }
        }
        if (h.has("io.cncf.notary.expiry") && !critical.contains("io.cncf.notary.expiry")) {
            return "io.cncf.notary.expiry is present but not marked critical";
        }
        if (h.has("io.cncf.notary.verificationPlugin")) {
            return "the signature requires the verification plugin " + h.path("io.cncf.notary.verificationPlugin").asText()
                    + ", which Trustplane does not run";
        }
        String scheme = h.path("io.cncf.notary.signingScheme").asText("");
        if (!scheme.equals("notary.x509")) {
            return "the signing scheme is \"" + scheme + "\"; Trustplane verifies notary.x509";
        }
        try {
            time(h.path("io.cncf.notary.signingTime").asText(""));
            if (h.has("io.cncf.notary.expiry")) {
                time(h.path("io.cncf.notary.expiry").asText(""));
            }
        } catch (RuntimeException e) {
            return "the signing time or expiry is not an RFC 3339 time";
        }
        return null;
    }

    private static Instant time(String text) {
        return OffsetDateTime.parse(text).toInstant();
    }

    /** JWS signature checking: RSASSA-PSS with the hash's length as salt, or ECDSA with raw r‖s. */
    private static boolean verifies(String alg, PublicKey key, byte[] input, byte[] signature) throws Exception {
        int bits = Integer.parseInt(alg.substring(2));
        String hash = "SHA-" + bits;
        if (alg.startsWith("PS")) {
            if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException(alg + " needs an RSA key of at least 2048 bits");
            }
            Signature s = Signature.getInstance("RSASSA-PSS", BouncyCastle.PROVIDER);
            s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), bits / 8, 1));
            s.initVerify(key);
            s.update(input);
            return s.verify(signature);
        }
        if (!(key instanceof ECPublicKey ec)) {
            throw new IllegalArgumentException(alg + " needs an EC key");
        }
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        int expected = switch (bits) {
            case 256 -> 32;
            case 384 -> 48;
            default -> 66;
        };
        if (size != expected || signature.length != 2 * size) {
            throw new IllegalArgumentException(alg + " needs the matching curve and a " + (2 * expected) + "-byte signature");
        }
        byte[] der = new DERSequence(new ASN1Integer[] {
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(signature, 0, size))),
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(signature, size, 2 * size)))}).getEncoded();
        Signature s = Signature.getInstance("SHA" + bits + "withECDSA", BouncyCastle.PROVIDER);
        s.initVerify(key);
        s.update(input);
        return s.verify(der);
    }

    /**
     * The chain's problem, or null: each certificate signed by the next and valid now, the last
     * one a trust-store certificate or signed by one, the leaf allowed to sign code.
     */
    private static String chain(List<X509Certificate> chain, List<X509Certificate> trustStore, Instant now) {
        Date at = Date.from(now);
        for (X509Certificate c : chain) {
            try {
                c.checkValidity(at);
            } catch (Exception e) {
                return "the certificate " + c.getSubjectX500Principal().getName() + " is not valid now (valid "
                        + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant() + ")";
            }
        }
        X509Certificate leaf = chain.get(0);
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && !usage[0]) {
            return "the signing certificate's key usage does not include digitalSignature";
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && (!eku.contains(CODE_SIGNING) || eku.contains(ANY_EKU))) {
                return "the signing certificate is not for code signing (extended key usage " + eku + ")";
            }
        } catch (Exception e) {
            return "the signing certificate's extended key usage cannot be read";
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate issuer = chain.get(i + 1);
            if (issuer.getBasicConstraints() < 0) {
                return "the certificate " + issuer.getSubjectX500Principal().getName() + " signs another but is not a CA";
            }
            try {
                chain.get(i).verify(issuer.getPublicKey(), BouncyCastle.PROVIDER);
            } catch (Exception e) {
                return "the certificate " + chain.get(i).getSubjectX500Principal().getName() + " is not signed by "
                        + issuer.getSubjectX500Principal().getName();
            }
        }
        X509Certificate last = chain.get(chain.size() - 1);
        for (X509Certificate trusted : trustStore) {
            if (trusted.equals(last)) {
                return null;
            }
            if (trusted.getBasicConstraints() >= 0 && trusted.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                try {
                    last.verify(trusted.getPublicKey(), BouncyCastle.PROVIDER);
                    trusted.checkValidity(at);
                    return null;
                } catch (Exception e) {
                    // another trust-store certificate may be the issuer
                }
            }
        }
        return "the certificate chain (" + last.getSubjectX500Principal().getName() + ") does not lead to a"
                + " certificate of the policy's trust store";
    }
}
