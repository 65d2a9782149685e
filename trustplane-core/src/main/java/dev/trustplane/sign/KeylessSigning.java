package dev.trustplane.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.CanonicalJson;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.FulcioCertificate;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.MalformedEvidenceException;
import dev.trustplane.sigstore.Pem;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.TlogEntry;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.verify.EvidenceChecks;
import dev.trustplane.verify.TlogCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Keyless signing: a fresh ECDSA P-256 key, a short-lived certificate for it from Fulcio (v2 API)
 * in exchange for an OIDC identity token, and Rekor (v1 API) entries for what it signs —
 * {@code hashedrekord} for signatures, {@code intoto} 0.0.2 for DSSE attestations. The endpoints
 * are the caller's; nothing is wired to the public-good instance. The token never appears in
 * errors or logs.
 */
public final class KeylessSigning {
    static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final ObjectMapper JSON = Json.mapper();

    /** Where Fulcio and Rekor answer. */
    public record Endpoints(URI fulcio, URI rekor) {
        public Endpoints {
            requireSafe(fulcio, "--fulcio-url");
            requireSafe(rekor, "--rekor-url");
        }
    }

    private final Endpoints endpoints;
    private final HttpClient http;
    private final SigningKey key;
    private final List<X509Certificate> chain;

    private KeylessSigning(Endpoints endpoints, HttpClient http, SigningKey key, List<X509Certificate> chain) {
        this.endpoints = endpoints;
        this.http = http;
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /** Makes an ephemeral key and gets its certificate from Fulcio for {@code identityToken}. */
    public static KeylessSigning obtain(Endpoints endpoints, String identityToken) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        SigningKey key = Keys.generate();
        String subject = tokenSubject(identityToken);
        byte[] proof = SignatureAlgorithms.sign(key.privateKey(), subject.getBytes(StandardCharsets.UTF_8));
        ObjectNode request = JSON.createObjectNode();
        request.putObject("credentials").put("oidcIdentityToken", identityToken);
        ObjectNode pk = request.putObject("publicKeyRequest");
        pk.putObject("publicKey").put("algorithm", "ECDSA").put("content", Keys.publicPem(key.publicKey()));
        pk.put("proofOfPossession", Base64.getEncoder().encodeToString(proof));
        JsonNode answer = post(http, endpoints.fulcio().resolve("/api/v2/signingCert"), request, "Fulcio");
        JsonNode certs = answer.path("signedCertificateEmbeddedSct").path("chain").path("certificates");
        if (!certs.isArray() || certs.isEmpty()) {
            certs = answer.path("signedCertificateDetachedSct").path("chain").path("certificates");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode c : certs) {
            for (Pem.Block b : Pem.decode(c.asText(""), "Fulcio's answer")) {
                chain.add(TrustedRoot.certificate(b.der(), "Fulcio's answer", "certificate"));
            }
        }
        if (chain.isEmpty()) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "Fulcio at " + endpoints.fulcio()
                    + " answered without a certificate chain");
        }
        if (!Keys.sameKey(chain.get(0).getPublicKey(), key.publicKey())) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "Fulcio at " + endpoints.fulcio()
                    + " issued a certificate for another key than the one sent; refusing it");
        }
        return new KeylessSigning(endpoints, http, key, chain);
    }

    public SigningKey key() {
        return key;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The identity the certificate names (its first SAN). */
    public String identity() {
        List<String> subjects = new FulcioCertificate(certificate()).subjects();
        return subjects.isEmpty() ? "?" : subjects.get(0);
    }

    List<X509Certificate> chain() {
        return chain;
    }

    String certificatePem() {
        return pem(certificate());
    }

    String chainPem() {
        StringBuilder sb = new StringBuilder();
        chain.subList(1, chain.size()).forEach(c -> sb.append(pem(c)));
        return sb.toString();
    }

    /** Logs a signature over content with SHA-256 {@code sha256Hex}. */
    TlogEntry logHashedRekord(String sha256Hex, byte[] signature) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("apiVersion", "0.0.1");
        entry.put("kind", "hashedrekord");
        ObjectNode spec = entry.putObject("spec");
        spec.putObject("data").putObject("hash").put("algorithm", "sha256").put("value", sha256Hex);
        spec.putObject("signature").put("content", Base64.getEncoder().encodeToString(signature))
                .putObject("publicKey").put("content", base64Pem());
        return log(entry, new TlogCheck.Signed(sha256Hex, List.of(signature), TlogCheck.verifierDer(certificate())));
    }

    /**
     * Logs a DSSE envelope as an {@code intoto} 0.0.2 entry (payload and signature base64 twice, as
     * Rekor wants). The entry's {@code hash} is {@code envelopeHashHex} when given — cosign matches a
     * {@code .att} layer by the SHA-256 of its bytes — else the canonical DSSE hash bundle verifiers
     * (sigstore-go, sigstore-js) recompute.
     */
    TlogEntry logIntoto(Dsse envelope, String envelopeHashHex) {
        Dsse.Sig sig = envelope.signatures().get(0);
        String certPem = certificatePem();
        ObjectNode hashed = JSON.createObjectNode();
        hashed.put("payloadType", envelope.payloadType());
        hashed.put("payload", Base64.getEncoder().encodeToString(envelope.payload()));
        ObjectNode hs = hashed.putArray("signatures").addObject();
        if (!sig.keyid().isEmpty()) {
            hs.put("keyid", sig.keyid());
        }
        hs.put("sig", Base64.getEncoder().encodeToString(sig.sig()));
        hs.put("publicKey", certPem);
        ObjectNode entry = JSON.createObjectNode();
        entry.put("apiVersion", "0.0.2");
        entry.put("kind", "intoto");
        ObjectNode content = entry.putObject("spec").putObject("content");
        ObjectNode env = content.putObject("envelope");
        env.put("payloadType", envelope.payloadType());
        env.put("payload", b64(Base64.getEncoder().encodeToString(envelope.payload())));
        ObjectNode s = env.putArray("signatures").addObject();
        if (!sig.keyid().isEmpty()) {
            s.put("keyid", sig.keyid());
        }
        s.put("sig", b64(Base64.getEncoder().encodeToString(sig.sig())));
        s.put("publicKey", base64Pem());
        content.putObject("hash").put("algorithm", "sha256").put("value", envelopeHashHex != null ? envelopeHashHex
                : EvidenceChecks.sha256Hex(CanonicalJson.of(hashed)));
        String payloadHash = EvidenceChecks.sha256Hex(envelope.payload());
        content.putObject("payloadHash").put("algorithm", "sha256").put("value", payloadHash);
        return log(entry, new TlogCheck.Signed(payloadHash, List.of(sig.sig()), TlogCheck.verifierDer(certificate())));
    }

    private TlogEntry log(ObjectNode entry, TlogCheck.Signed signed) {
        JsonNode answer = post(http, endpoints.rekor().resolve("/api/v1/log/entries"), entry, "Rekor");
        TlogEntry logged;
        try {
            logged = TlogEntry.fromRekorResponse(answer);
        } catch (MalformedEvidenceException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "Rekor at " + endpoints.rekor() + " answered with"
                    + " an entry Trustplane cannot read: " + e.getMessage());
        }
        String why = TlogCheck.body(logged.body(), signed);
        if (why != null) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "Rekor at " + endpoints.rekor() + " logged an"
                    + " entry that is not the one sent (" + why + "); refusing it");
        }
        return logged;
    }

    private String base64Pem() {
        return b64(certificatePem());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String pem(X509Certificate c) {
        try {
            return Pem.encode("CERTIFICATE", c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode post(HttpClient http, URI uri, JsonNode body, String service) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, service + " at " + uri + " answered with more"
                        + " than " + MAX_RESPONSE_BYTES + " bytes");
            }
            if (response.statusCode() / 100 != 2) {
                String text = new String(bytes, StandardCharsets.UTF_8).lines().findFirst().orElse("");
                throw new TrustplaneException(response.statusCode() == 401 || response.statusCode() == 403
                        ? ErrorKind.UNAUTHORIZED : ErrorKind.REMOTE_ERROR, service + " at " + uri + " answered "
                        + response.statusCode() + ": " + text.substring(0, Math.min(200, text.length()))
                        + (service.equals("Fulcio") ? " — check that the identity token is fresh and meant for"
                        + " audience \"sigstore\"" : ""));
            }
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Could not reach " + service + " at " + uri + ": "
                    + e.getMessage() + "; check --" + service.toLowerCase(Locale.ROOT) + "-url", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while calling " + service, e);
        }
    }

    /** The token's email (when present) or subject, which Fulcio's proof of possession signs. */
    static String tokenSubject(String token) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The identity token is not a JWT (three"
                    + " dot-separated parts); pass the OIDC token your CI issues for audience \"sigstore\"");
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String email = claims.path("email").asText("");
            String sub = claims.path("sub").asText("");
            if (!email.isEmpty()) {
                return email;
            }
            if (!sub.isEmpty()) {
                return sub;
            }
        } catch (IOException | IllegalArgumentException e) {
            // fall through
        }
        throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The identity token's claims cannot be read or name"
                + " no subject (sub or email); pass the OIDC token your CI issues for audience \"sigstore\"");
    }

    static void requireSafe(URI uri, String flag) {
        if (uri == null || uri.getHost() == null || !(uri.getScheme().equals("https")
                || uri.getScheme().equals("http"))) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, flag + " " + uri + " is not an http(s) URL");
        }
        if (uri.getScheme().equals("http")) {
            boolean loopback;
            try {
                loopback = InetAddress.getByName(uri.getHost()).isLoopbackAddress();
            } catch (IOException e) {
                loopback = false;
            }
            if (!loopback) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, flag + " " + uri + " uses plain HTTP to a"
                        + " non-loopback host; identity tokens are sent only over HTTPS (or to 127.0.0.1)");
            }
        }
    }
}
