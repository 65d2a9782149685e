package dev.trustplane.cli;

import dev.trustplane.config.Durations;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(names = "--deadline", paramLabel = "DURATION",
            description = "Give up on the registries after this long in all, retries included (e.g. 90s, 20m; 0s for"
                    + " no limit). Default: 10m for verbs that move layers (copy, build, sbom, scan, attach, catalog"
                    + " update), none for the fleet verbs (audit, drift, serve), 2m for the others")
    String deadline;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

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
                .listener(listener).deadline(deadline()).build();
    }

    /** {@code --deadline}, or the verb's default: see the option's description. */
    Duration deadline() {
        if (deadline != null) {
            return Durations.parse(deadline);
        }
        String verb = mixee == null ? "" : mixee.qualifiedName(" ");
        verb = verb.contains(" ") ? verb.substring(verb.indexOf(' ') + 1) : verb;
        if (FLEET_VERBS.contains(verb)) {
            return Duration.ZERO;
        }
        return LAYER_VERBS.contains(verb) ? Duration.ofMinutes(10) : Duration.ofMinutes(2);
    }

    private static final Set<String> LAYER_VERBS = Set.of("copy", "build", "sbom", "scan", "attach",
            "catalog update");
    private static final Set<String> FLEET_VERBS = Set.of("audit", "drift", "serve", "policy simulate");

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
