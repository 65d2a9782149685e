package dev.trustplane.cli;

import dev.trustplane.config.Env;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.registry.CredentialProvider;
import dev.trustplane.oci.registry.Credentials;
import dev.trustplane.oci.registry.DockerConfig;
import dev.trustplane.oci.registry.RegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Registry settings every registry-facing verb shares. Credentials come from, in order: these
 * flags, TRUSTPLANE_REGISTRY_* environment variables, the Docker config file, the containers auth file.
 */
final class RegistryOptions {
    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Allow plain HTTP and unverified TLS for this registry (repeatable). Loopback registries"
                    + " may always use plain HTTP.")
    List<String> insecure = new ArrayList<>();

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "User name for the registries contacted")
    String username;

    @Option(names = "--password-stdin", description = "Read the password for --username from standard input")
    boolean passwordStdin;

    @Option(names = "--authfile", paramLabel = "FILE",
            description = "Docker config.json to read credentials from (default: $DOCKER_CONFIG/config.json or"
                    + " ~/.docker/config.json)")
    Path authfile;

    @Option(names = {"-v", "--verbose"}, description = "Print debug messages and each finished transfer")
    boolean verbose;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "6",
            description = "Blobs transferred at once (default: ${DEFAULT-VALUE})")
    int parallel;

    CredentialProvider credentials(CliContext ctx) {
        List<CredentialProvider> chain = new ArrayList<>();
        if (username != null) {
            if (!passwordStdin) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--username " + username + " needs a password:"
                        + " pass --password-stdin and pipe the password in (passwords are never taken as arguments)");
            }
            chain.add(CredentialProvider.fixed(Credentials.basic(username, readSecret(ctx))));
        }
        Env.TRUSTPLANE_REGISTRY_TOKEN.read(ctx.env()).ifPresent(t -> chain.add(CredentialProvider.fixed(
                Credentials.bearer(t))));
        var envUser = Env.TRUSTPLANE_REGISTRY_USERNAME.read(ctx.env());
        var envPassword = Env.TRUSTPLANE_REGISTRY_PASSWORD.read(ctx.env());
        if (envUser.isPresent() && envPassword.isPresent()) {
            chain.add(CredentialProvider.fixed(Credentials.basic(envUser.get(), envPassword.get())));
        }
        chain.add(authfile != null ? new DockerConfig(authfile) : DockerConfig.defaultChain(ctx.env()));
        return CredentialProvider.chain(chain);
    }

    Set<String> insecureRegistries(CliContext ctx) {
        Set<String> all = new HashSet<>(insecure);
        Env.TRUSTPLANE_INSECURE_REGISTRIES.read(ctx.env()).ifPresent(v -> {
            for (String h : v.split(",")) {
                if (!h.isBlank()) {
                    all.add(h.trim());
                }
            }
        });
        return all;
    }

    RegistryClient client(CliContext ctx, EventListener listener) {
        return RegistryClient.builder().credentials(credentials(ctx)).insecure(insecureRegistries(ctx))
                .listener(listener).build();
    }

    ProgressRenderer renderer(CliContext ctx) {
        return new ProgressRenderer(ctx.err(), ctx.interactive(), verbose);
    }

    static String readSecret(CliContext ctx) {
        try {
            String s = new String(ctx.in().readNBytes(64 * 1024), StandardCharsets.UTF_8);
            s = s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1)
                    : s;
            if (s.isEmpty()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--password-stdin was given but standard input"
                        + " is empty; pipe the password in, e.g. `printf %s \"$PASS\" | trustplane …`");
            }
            return s;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read the password from standard input: " + e, e);
        }
    }
}
