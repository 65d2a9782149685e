package dev.trustplane.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.verify.TimestampCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;

/**
 * An RFC 3161 timestamp authority with the JSON API of sigstore's timestamp-authority
 * ({@code POST /api/v1/timestamp}: artifact hash, algorithm, nonce; the answer is a DER
 * TimeStampResp). The token's imprint is the SHA-256 of the signature bytes, as cosign and
 * sigstore-go expect.
 */
final class TimestampAuthority {
    private static final ObjectMapper JSON = Json.mapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final URI url;
    private final HttpClient http;

    TimestampAuthority(URI url) {
        KeylessSigning.requireSafe(url, "--timestamp-server-url");
        this.url = url;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A DER TimeStampResp over {@code signature}, checked to be a granted token for it. */
    byte[] timestamp(byte[] signature) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(signature);
            var body = JSON.createObjectNode();
            body.put("artifactHash", Base64.getEncoder().encodeToString(hash));
            body.put("hashAlgorithm", "sha256");
            body.put("certificates", true);
            body.put("nonce", RANDOM.nextInt(Integer.MAX_VALUE));
            URI endpoint = url.resolve("/api/v1/timestamp");
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] der;
            try (InputStream in = response.body()) {
                der = in.readNBytes(TimestampCheck.MAX_BYTES + 1);
            }
            if (response.statusCode() / 100 != 2 || der.length > TimestampCheck.MAX_BYTES) {
                throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The timestamp authority at " + endpoint
                        + " answered " + response.statusCode() + (der.length > TimestampCheck.MAX_BYTES
                        ? " with more than " + TimestampCheck.MAX_BYTES + " bytes" : ""));
            }
            var token = new TimeStampResponse(der).getTimeStampToken();
            if (token == null || !MessageDigest.isEqual(token.getTimeStampInfo().getMessageImprintDigest(), hash)) {
                throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The timestamp authority at " + endpoint
                        + " did not grant a timestamp for this signature; refusing its answer");
            }
            return der;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Could not reach the timestamp authority at " + url
                    + ": " + e.getMessage() + "; check --timestamp-server-url", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while timestamping", e);
        } catch (TSPException | GeneralSecurityException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "The timestamp authority at " + url
                    + " answered with something that is not an RFC 3161 timestamp response", e);
        }
    }
}
