package dev.trustplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.config.Env;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sign.KeylessSigning;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * How sign, attest and build --sign sign: with a key (--key), or keylessly with an OIDC token
 * exchanged at Fulcio for a certificate and every signature logged in Rekor.
 */
final class SigningOptions {
    @Option(names = "--key", paramLabel = "FILE",
            description = "private key: cosign.key (from `trustplane keygen` or cosign), PKCS#8 or EC PEM")
    Path key;

    @Option(names = "--identity-token", paramLabel = "JWT", description = "keyless: the OIDC identity token"
            + " (prefer --identity-token-file or TRUSTPLANE_IDENTITY_TOKEN / SIGSTORE_ID_TOKEN: arguments are visible"
            + " to other users of the machine)")
    String identityToken;

    @Option(names = "--identity-token-file", paramLabel = "FILE", description = "keyless: a file holding the token")
    Path identityTokenFile;

    @Option(names = "--fulcio-url", paramLabel = "URL", description = "keyless: the Fulcio certificate authority")
    URI fulcio;

    @Option(names = "--rekor-url", paramLabel = "URL", description = "keyless: the Rekor transparency log")
    URI rekor;

    @Option(names = "--timestamp-server-url", paramLabel = "URL", description = "also get an RFC 3161 timestamp"
            + " for every signature from this timestamp authority (sigstore timestamp-authority API)")
    URI timestampServer;

    @Option(names = "--signing-config", paramLabel = "FILE", description = "keyless: a Sigstore signing config"
            + " (signing_config.json, v0.1 or v0.2) naming the Fulcio, Rekor and timestamp services; flags win")
    Path signingConfig;

    /** Whether the user asked to sign at all (for build, where signing is optional). */
    boolean requested() {
        return key != null || keyless();
    }

    private boolean keyless() {
        return identityToken != null || identityTokenFile != null || fulcio != null || rekor != null
                || signingConfig != null;
    }

    /**
     * The services a signing config names, where no flag named them: v0.2's {@code caUrls},
     * {@code rekorTlogUrls}, {@code tsaUrls} (each {@code [{url}]}, the first taken), or v0.1's
     * {@code caUrl}, {@code tlogUrls}, {@code tsaUrls} (strings).
     */
    void applySigningConfig() {
        if (signingConfig == null) {
            return;
        }
        if (!Files.isRegularFile(signingConfig)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Signing config " + signingConfig + " does not exist;"
                    + " pass the signing_config.json of the Sigstore instance, or --fulcio-url and --rekor-url");
        }
        JsonNode c;
        try {
            if (Files.size(signingConfig) > 1 << 20) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Signing config " + signingConfig
                        + " is larger than 1 MiB; it is not a Sigstore signing config");
            }
            c = Json.mapper().readTree(signingConfig.toFile());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Signing config " + signingConfig
                    + " is not JSON: " + e.getMessage().lines().findFirst().orElse("") + "; pass signing_config.json");
        }
        if (fulcio == null) {
            fulcio = url(c, "caUrls", "caUrl");
        }
        if (rekor == null) {
            rekor = url(c, "rekorTlogUrls", "tlogUrls");
        }
        if (timestampServer == null) {
            timestampServer = url(c, "tsaUrls", "tsaUrls");
        }
        if (fulcio == null || rekor == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Signing config " + signingConfig + " names no "
                    + (fulcio == null ? "certificate authority (caUrls)" : "transparency log (rekorTlogUrls)")
                    + "; pass --fulcio-url/--rekor-url or a complete signing config");
        }
    }

    private static URI url(JsonNode config, String list, String legacy) {
        JsonNode l = config.path(list);
        JsonNode first = l.isArray() && !l.isEmpty() ? l.get(0) : config.path(legacy);
        if (first.isArray()) {
            first = first.isEmpty() ? first : first.get(0);
        }
        String text = first.isTextual() ? first.asText() : first.path("url").asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The signing config's " + list + " URL " + text
                    + " is not a URL");
        }
    }

    /** Prepared before any work: the key is decrypted, or the certificate obtained. */
    Prepared prepare(CliContext ctx) {
        applySigningConfig();
        if (key != null && keyless()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Pass either --key or the keyless flags"
                    + " (--identity-token…, --fulcio-url, --rekor-url), not both");
        }
        if (key != null) {
            SigningKey k = KeyPasswords.privateKey(ctx, key);
            return new Prepared(k, null, timestampServer);
        }
        if (fulcio == null || rekor == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Nothing to sign with: pass --key FILE, or sign"
                    + " keylessly with --fulcio-url URL --rekor-url URL and an identity token (--identity-token-file,"
                    + " TRUSTPLANE_IDENTITY_TOKEN or SIGSTORE_ID_TOKEN)");
        }
        KeylessSigning keyless = KeylessSigning.obtain(new KeylessSigning.Endpoints(fulcio, rekor), token(ctx));
        ctx.err().println("Signing keylessly as " + keyless.identity() + " (certificate valid until "
                + keyless.certificate().getNotAfter().toInstant() + ")");
        return new Prepared(null, keyless, timestampServer);
    }

    private String token(CliContext ctx) {
        if (identityToken != null) {
            return identityToken.trim();
        }
        if (identityTokenFile != null) {
            try {
                if (Files.size(identityTokenFile) > 64 * 1024) {
                    throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Identity token file " + identityTokenFile
                            + " has more than 64 KiB; it is not a token");
                }
                return Files.readString(identityTokenFile, StandardCharsets.US_ASCII).trim();
            } catch (NoSuchFileException e) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "Identity token file " + identityTokenFile
                        + " does not exist; write the OIDC token your CI issues there, or set SIGSTORE_ID_TOKEN", e);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read identity token file "
                        + identityTokenFile + ": " + e.getMessage(), e);
            }
        }
        return Env.TRUSTPLANE_IDENTITY_TOKEN.read(ctx.env()).or(() -> Env.SIGSTORE_ID_TOKEN.read(ctx.env()))
                .orElseThrow(() -> new TrustplaneException(ErrorKind.INVALID_INPUT, "Keyless signing needs an"
                        + " identity token: --identity-token-file FILE, TRUSTPLANE_IDENTITY_TOKEN or SIGSTORE_ID_TOKEN"))
                .trim();
    }

    /** A key or a keyless certificate, ready to sign into any store. */
    record Prepared(SigningKey key, KeylessSigning keyless, URI timestampServer) {
        Signer signer(EvidenceStore store) {
            Signer signer = keyless != null ? new Signer(store, keyless, Clock.systemUTC())
                    : new Signer(store, key, Clock.systemUTC());
            return timestampServer != null ? signer.timestamped(timestampServer) : signer;
        }

        String describe() {
            return keyless != null ? "identity " + keyless.identity() : "key " + key.hint();
        }
    }
}
