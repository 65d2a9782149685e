package dev.trustplane.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers {@code WWW-Authenticate} challenges: Basic with the registry's credentials, Bearer by
 * asking the token service named in the challenge. Tokens are cached per registry and scope
 * until shortly before they expire.
 */
final class Authenticator {
    private static final ObjectMapper JSON = Json.mapper();
    private static final int MAX_TOKEN_RESPONSE = 1 << 20;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private record Token(String header, Instant expires) {
    }

    private final CredentialProvider credentials;
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    Authenticator(CredentialProvider credentials) {
        this.credentials = credentials;
    }

    /** The Authorization header to send before any challenge, if one is already known. */
    Optional<String> cachedHeader(Call call) {
        Optional<Credentials> creds = credentials.find(call.registry());
        if (creds.isPresent() && creds.get().registryToken() != null) {
            return Optional.of("Bearer " + creds.get().registryToken());
        }
        Challenge known = challenges.get(call.registry());
        if (known == null) {
            return Optional.empty();
        }
        if (known.isBasic()) {
            return creds.filter(Credentials::hasBasic).map(Authenticator::basic);
        }
        Token token = tokens.get(call.scopeKey());
        return token != null && Instant.now().isBefore(token.expires()) ? Optional.of(token.header()) : Optional.empty();
    }

    /** Answers a challenge; empty when the challenge cannot be answered (no credentials for Basic). */
    Optional<String> answer(Call call, Challenge challenge, HttpClient client, Duration timeout) throws IOException,
            InterruptedException {
        challenges.put(call.registry(), challenge);
        Optional<Credentials> creds = credentials.find(call.registry());
        if (challenge.isBasic()) {
            return creds.filter(Credentials::hasBasic).map(Authenticator::basic);
        }
        if (!challenge.isBearer() || challenge.realm() == null) {
            throw new RegistryException(ErrorKind.UNSUPPORTED, call.registry(), 401, null, "Tried to "
                    + call.operation() + ": registry " + call.registry() + " asks for unsupported authentication \""
                    + challenge.scheme() + "\"; Trustplane supports Basic and Bearer token authentication", null);
        }
        Token token = fetchToken(call, challenge, creds.orElse(null), client, timeout);
        tokens.put(call.scopeKey(), token);
        return Optional.of(token.header());
    }

    boolean hasCredentials(String registry) {
        return credentials.find(registry).isPresent();
    }

    private Token fetchToken(Call call, Challenge challenge, Credentials creds, HttpClient client, Duration timeout)
            throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder();
        String service = challenge.params().get("service");
        if (service != null) {
            query.append("service=").append(enc(service));
        }
        for (String scope : call.scopes()) {
            query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(scope));
        }
        URI realm = URI.create(challenge.realm());
        HttpRequest.Builder request = HttpRequest.newBuilder().timeout(timeout);
        if (creds != null && creds.identityToken() != null) {
            String form = query + (query.isEmpty() ? "" : "&") + "grant_type=refresh_token&client_id=trustplane"
                    + "&refresh_token=" + enc(creds.identityToken());
            request.uri(realm).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            String sep = realm.getRawQuery() == null ? "?" : "&";
            request.uri(URI.create(challenge.realm() + (query.isEmpty() ? "" : sep + query))).GET();
            if (creds != null && creds.hasBasic()) {
                request.header("Authorization", basic(creds));
            }
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_TOKEN_RESPONSE);
        }
        if (response.statusCode() != 200) {
            ErrorKind kind = response.statusCode() == 401 || response.statusCode() == 403
                    ? ErrorKind.UNAUTHORIZED : ErrorKind.REMOTE_ERROR;
            String way = creds == null
                    ? "run `trustplane login " + call.registry() + "` or pass --username with --password-stdin"
                    : "the credentials for " + call.registry() + " were rejected; check them with `trustplane login "
                    + call.registry() + "`";
            throw new RegistryException(kind, call.registry(), response.statusCode(), null, "Tried to "
                    + call.operation() + ": the token service " + realm.getHost() + " answered "
                    + response.statusCode() + " — " + way, null);
        }
        JsonNode json = JSON.readTree(body);
        String value = json.path("token").asText(json.path("access_token").asText(""));
        if (value.isEmpty()) {
            throw new RegistryException(ErrorKind.REMOTE_ERROR, call.registry(), 200, null, "Tried to "
                    + call.operation() + ": the token service " + realm.getHost() + " answered without a token", null);
        }
        long lifetime = json.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.toSeconds());
        Instant expires = Instant.now().plusSeconds(Math.max(lifetime, 60) - 10);
        return new Token("Bearer " + value, expires);
    }

    static String basic(Credentials c) {
        return "Basic " + Base64.getEncoder()
                .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
