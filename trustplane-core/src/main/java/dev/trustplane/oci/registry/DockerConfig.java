package dev.trustplane.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.config.Env;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Docker client's {@code config.json}: credentials in {@code auths} (base64 {@code auth},
 * {@code identitytoken}), credential helpers ({@code credHelpers}, {@code credsStore}). Written
 * by {@code trustplane login} with mode 0600, atomically.
 */
public final class DockerConfig implements CredentialProvider {
    private static final long MAX_CONFIG_BYTES = 4L << 20;

    private final Path file;

    public DockerConfig(Path file) {
        this.file = file;
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static DockerConfig fromEnvironment(Map<String, String> env) {
        Path dir = Env.DOCKER_CONFIG.read(env).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".docker"));
        return new DockerConfig(dir.resolve("config.json"));
    }

    /** Docker's config, then the containers auth file (REGISTRY_AUTH_FILE or XDG_RUNTIME_DIR/containers/auth.json). */
    public static CredentialProvider defaultChain(Map<String, String> env) {
        List<CredentialProvider> chain = new ArrayList<>();
        chain.add(fromEnvironment(env));
        Env.REGISTRY_AUTH_FILE.read(env).ifPresent(f -> chain.add(new DockerConfig(Path.of(f))));
        Optional.ofNullable(env.get("XDG_RUNTIME_DIR"))
                .ifPresent(d -> chain.add(new DockerConfig(Path.of(d, "containers", "auth.json"))));
        return CredentialProvider.chain(chain);
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<Credentials> find(String registry) {
        ObjectNode root = read();
        String helper = root.path("credHelpers").path(registry).asText(null);
        if (helper == null) {
            helper = root.path("credsStore").asText(null);
        }
        Optional<JsonNode> entry = entry(root, registry);
        if (entry.isPresent()) {
            Optional<Credentials> inline = decode(registry, entry.get(), file.toString(),
                    "run `trustplane login " + registry + "` to replace it");
            if (inline.isPresent()) {
                return inline;
            }
        }
        return helper == null || helper.isBlank() ? Optional.empty() : CredentialHelper.get(helper, registry);
    }

    /** Stores credentials for {@code registry} in {@code auths}, replacing any entry for it. */
    public void store(String registry, Credentials credentials) {
        ObjectNode root = read();
        ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths")
                : root.putObject("auths");
        keys(registry).forEach(auths::remove);
        ObjectNode entry = auths.putObject(registry);
        if (credentials.identityToken() != null) {
            entry.put("auth", base64(credentials.username() + ":"));
            entry.put("identitytoken", credentials.identityToken());
        } else {
            entry.put("auth", base64(credentials.username() + ":" + credentials.password()));
        }
        write(root);
    }

    /** Removes the entry for {@code registry}; returns false when there was none. */
    public boolean remove(String registry) {
        ObjectNode root = read();
        JsonNode auths = root.get("auths");
        if (!(auths instanceof ObjectNode o)) {
            return false;
        }
        boolean removed = false;
        for (String key : keys(registry)) {
            removed |= o.remove(key) != null;
        }
        if (removed) {
            write(root);
        }
        return removed;
    }

    /**
     * Credentials from a Docker config held in memory — a Kubernetes {@code dockerconfigjson}
     * Secret (its {@code auths}, or the older {@code .dockercfg} map): only inline entries are
     * read; credential helpers named there are never run.
     *
     * @param source the Secret, for messages (credentials themselves never appear in them)
     */
    public static CredentialProvider inline(JsonNode config, String source) {
        JsonNode root = config.has("auths") ? config : Json.mapper().createObjectNode().set("auths", config);
        return registry -> {
            Optional<JsonNode> entry = entry(root, registry);
            return entry.isEmpty() ? Optional.empty() : decode(registry, entry.get(), source,
                    "replace the entry in the Secret");
        };
    }

    private static Optional<JsonNode> entry(JsonNode root, String registry) {
        JsonNode auths = root.path("auths");
        for (String key : keys(registry)) {
            if (auths.has(key)) {
                return Optional.of(auths.get(key));
            }
        }
        return Optional.empty();
    }

    /** The keys under which Docker and podman store a registry. */
    static List<String> keys(String registry) {
        List<String> keys = new ArrayList<>(List.of(registry, "https://" + registry, "http://" + registry,
                "https://" + registry + "/v1/", "https://" + registry + "/v2/"));
        if (registry.equals("docker.io")) {
            keys.add("https://index.docker.io/v1/");
            keys.add("index.docker.io");
        }
        return keys;
    }

    private static Optional<Credentials> decode(String registry, JsonNode entry, String source, String wayOut) {
        String identityToken = entry.path("identitytoken").asText(null);
        String username = entry.path("username").asText(null);
        String password = entry.path("password").asText(null);
        String auth = entry.path("auth").asText(null);
        if (auth != null && !auth.isBlank()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The \"auth\" entry for " + registry + " in "
                        + source + " is not base64; " + wayOut);
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The \"auth\" entry for " + registry + " in "
                        + source + " is not USER:PASSWORD; " + wayOut);
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        if (identityToken != null && !identityToken.isBlank()) {
            return Optional.of(Credentials.identityToken(username, identityToken));
        }
        if (username != null && password != null && !username.isEmpty()) {
            return Optional.of(Credentials.basic(username, password));
        }
        return Optional.empty();
    }

    private ObjectNode read() {
        if (!Files.isRegularFile(file)) {
            return Json.mapper().createObjectNode();
        }
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Credentials file " + file
                        + " is larger than 4 MiB; it is not a Docker config file");
            }
            JsonNode node = Json.mapper().readTree(file.toFile());
            if (node == null || node.isMissingNode()) {
                return Json.mapper().createObjectNode();
            }
            if (!(node instanceof ObjectNode o)) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Credentials file " + file
                        + " is not a JSON object; fix or remove it");
            }
            return o;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Credentials file " + file + " cannot be read: "
                    + e.getMessage().lines().findFirst().orElse("") + "; fix or remove it", e);
        }
    }

    private void write(ObjectNode root) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writePrivate(file, Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(root));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write credentials file " + file + ": " + e.getMessage()
                    + "; check the directory's permissions or set DOCKER_CONFIG", e);
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Runs {@code docker-credential-<name> get} as Docker does. */
    static final class CredentialHelper {
        private CredentialHelper() {
        }

        static Optional<Credentials> get(String helper, String registry) {
            String program = "docker-credential-" + helper;
            try {
                Process p = new ProcessBuilder(program, "get").redirectError(ProcessBuilder.Redirect.DISCARD).start();
                try (var out = p.getOutputStream()) {
                    out.write(registry.getBytes(StandardCharsets.UTF_8));
                }
                byte[] answer = p.getInputStream().readNBytes(1 << 20);
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new TrustplaneException(ErrorKind.UNREACHABLE, "Credential helper " + program
                            + " did not answer within 30 s for " + registry);
                }
                if (p.exitValue() != 0) {
                    return Optional.empty();
                }
                JsonNode json = Json.mapper().readTree(answer);
                String user = json.path("Username").asText(null);
                String secret = json.path("Secret").asText(null);
                if (secret == null) {
                    return Optional.empty();
                }
                return Optional.of("<token>".equals(user) ? Credentials.identityToken(null, secret)
                        : Credentials.basic(user, secret));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "Credential helper " + program + " named in the"
                        + " Docker config cannot be run (" + e.getMessage() + "); install it or remove it from the"
                        + " config", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
