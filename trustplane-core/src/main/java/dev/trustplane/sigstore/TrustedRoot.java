package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A Sigstore {@code trusted_root.json} (protobuf-specs TrustedRoot): the Fulcio certificate
 * authorities, the Rekor transparency logs, the certificate-transparency logs and the RFC 3161
 * timestamp authorities, each with the time window it is trusted for. Verification with a trusted root is fully offline.
 */
public record TrustedRoot(List<Authority> authorities, List<Log> tlogs, List<Log> ctlogs, List<Authority> tsas) {
    public static final int MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = Json.mapper();

    /** A certificate authority: its chain (leaf-most first, root last) and validity window. */
    public record Authority(String uri, List<X509Certificate> chain, Instant start, Instant end) {
        public Authority {
            chain = List.copyOf(chain);
        }

        public boolean validAt(Instant t) {
            return !t.isBefore(start) && (end == null || !t.isAfter(end));
        }
    }

    /** A transparency log: its key id (SHA-256 of the key's DER), public key and validity window. */
    public record Log(String baseUrl, byte[] logId, PublicKey key, Instant start, Instant end) {
        public boolean validAt(Instant t) {
            return !t.isBefore(start) && (end == null || !t.isAfter(end));
        }
    }

    public TrustedRoot {
        authorities = List.copyOf(authorities);
        tlogs = List.copyOf(tlogs);
        ctlogs = List.copyOf(ctlogs);
        tsas = tsas == null ? List.of() : List.copyOf(tsas);
    }

    public TrustedRoot(List<Authority> authorities, List<Log> tlogs, List<Log> ctlogs) {
        this(authorities, tlogs, ctlogs, List.of());
    }

    public Optional<Log> tlog(byte[] logId) {
        return tlogs.stream().filter(l -> Arrays.equals(l.logId(), logId)).findFirst();
    }

    public Optional<Log> ctlog(byte[] logId) {
        return ctlogs.stream().filter(l -> Arrays.equals(l.logId(), logId)).findFirst();
    }

    /** Where the embedded Sigstore public-good trusted root lies among the resources. */
    private static final String PUBLIC_GOOD = "/dev/trustplane/sigstore/public-good-trusted_root.json";
    /** When the embedded public-good root was taken (sigstore-python's TUF cache of that day). */
    public static final String PUBLIC_GOOD_TAKEN = "2026-08-19";

    /**
     * The bytes of the Sigstore public-good instance's trusted root as shipped with Trustplane (see
     * the resources' README): Fulcio's CAs, Rekor v1 and v2 logs, CT logs and timestamp authority —
     * what Kyverno and cosign trust by default for keyless signatures.
     */
    public static byte[] publicGoodBytes() {
        try (var in = TrustedRoot.class.getResourceAsStream(PUBLIC_GOOD)) {
            if (in == null) {
                throw new IllegalStateException("the embedded trusted root " + PUBLIC_GOOD + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #publicGoodBytes()} parsed. */
    public static TrustedRoot publicGood() {
        return parse(publicGoodBytes(), "the embedded Sigstore public-good trusted root");
    }

    /** Parses a trusted root; every problem names the file and the field. */
    public static TrustedRoot parse(byte[] json, String source) {
        if (json.length > MAX_BYTES) {
            throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Trusted root " + source + " has " + json.length
                    + " bytes, more than " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw invalid(source, "is not JSON");
        }
        if (root == null || !root.path("mediaType").asText("").startsWith(
                "application/vnd.dev.sigstore.trustedroot")) {
            throw invalid(source, "has no mediaType application/vnd.dev.sigstore.trustedroot+json; pass the"
                    + " trusted_root.json of your Sigstore deployment");
        }
        return new TrustedRoot(authorities(root.path("certificateAuthorities"), source, "certificateAuthorities"),
                logs(root.path("tlogs"), source, "tlogs"), logs(root.path("ctlogs"), source, "ctlogs"),
                authorities(root.path("timestampAuthorities"), source, "timestampAuthorities"));
    }

    private static List<Authority> authorities(JsonNode array, String source, String field) {
        List<Authority> cas = new ArrayList<>();
        int i = 0;
        for (JsonNode ca : array) {
            String where = field + "[" + i++ + "]";
            List<X509Certificate> chain = new ArrayList<>();
            for (JsonNode c : ca.path("certChain").path("certificates")) {
                chain.add(certificate(bytes(c.path("rawBytes"), source, where), source, where));
            }
            if (chain.isEmpty()) {
                throw invalid(source, where + " has no certificates");
            }
            cas.add(new Authority(ca.path("uri").asText(""), chain, time(ca.path("validFor").path("start"), source,
                    where), endTime(ca.path("validFor").path("end"), source, where)));
        }
        return cas;
    }

    private static PublicKey pkcs1Rsa(byte[] der) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(BouncyCastle.pkcs1Rsa(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static List<Log> logs(JsonNode array, String source, String field) {
        List<Log> logs = new ArrayList<>();
        int i = 0;
        for (JsonNode l : array) {
            String where = field + "[" + i++ + "]";
            byte[] der = bytes(l.path("publicKey").path("rawBytes"), source, where + ".publicKey");
            PublicKey key = null;
            for (String alg : List.of("EC", "RSA", "Ed25519")) {
                try {
                    key = KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
                    break;
                } catch (GeneralSecurityException e) {
                    // next algorithm
                }
            }
            if (key == null) {
                // PKCS1_RSA_* key details: a bare PKCS#1 RSAPublicKey, not SubjectPublicKeyInfo
                key = pkcs1Rsa(der);
            }
            if (key == null) {
                throw invalid(source, where + ".publicKey is not an ECDSA, RSA (PKIX or PKCS#1) or Ed25519 key");
            }
            JsonNode valid = l.path("publicKey").path("validFor");
            logs.add(new Log(l.path("baseUrl").asText(""), bytes(l.path("logId").path("keyId"), source, where
                    + ".logId"), key, time(valid.path("start"), source, where + ".publicKey"),
                    endTime(valid.path("end"), source, where + ".publicKey")));
        }
        return logs;
    }

    private static byte[] bytes(JsonNode node, String source, String where) {
        if (!node.isTextual()) {
            throw invalid(source, where + " is missing");
        }
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(source, where + " is not base64");
        }
    }

    private static Instant time(JsonNode node, String source, String where) {
        if (!node.isTextual()) {
            // a missing start is a malformed root, not a key trusted since forever
            throw invalid(source, where + ".validFor has no start; a trusted root must say since when each key and"
                    + " authority is trusted");
        }
        try {
            return Instant.parse(node.asText());
        } catch (RuntimeException e) {
            throw invalid(source, where + ".validFor has a time that is not RFC 3339: " + node.asText());
        }
    }

    private static Instant endTime(JsonNode node, String source, String where) {
        return node.isTextual() ? time(node, source, where) : null;
    }

    public static X509Certificate certificate(byte[] der, String source, String where) {
        X509Certificate c;
        byte[] canonical;
        try {
            c = (X509Certificate) CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER).generateCertificate(
                    new ByteArrayInputStream(der));
            canonical = c.getEncoded();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid(source, where + " holds a certificate that cannot be parsed");
        }
        // BouncyCastle reads BER and ignores bytes after the certificate, and a signature over the
        // TBS it re-encodes still verifies: bytes nobody signed (found by fuzzing: a critical flag
        // 0xFB for 0xFF) would pass as the certificate. Only the DER the authority signed counts.
        if (!Arrays.equals(canonical, der)) {
            throw invalid(source, where + " holds a certificate that is not strict DER (a BER encoding, or bytes"
                    + " after it): certificates are accepted only as the authority encoded and signed them");
        }
        return c;
    }

    private static TrustplaneException invalid(String source, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "Trusted root " + source + " " + why);
    }
}
