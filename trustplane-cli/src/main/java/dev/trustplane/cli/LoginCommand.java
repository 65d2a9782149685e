package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.registry.CredentialProvider;
import dev.trustplane.oci.registry.Credentials;
import dev.trustplane.oci.registry.DockerConfig;
import dev.trustplane.oci.registry.RegistryClient;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "login", description = {
        "Check credentials against a registry and store them in the Docker config file (mode 0600).",
        "The password is read from standard input, never from an argument."})
final class LoginCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "host[:port]")
    String registry;

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "USER")
    String username;

    @Option(names = "--password-stdin", required = true, description = "Read the password from standard input")
    boolean passwordStdin;

    @Option(names = "--authfile", paramLabel = "FILE", description = "Config file to write (default: Docker's config.json)")
    Path authfile;

    @Option(names = "--insecure-registry", description = "Allow plain HTTP / unverified TLS for REGISTRY")
    boolean insecure;

    LoginCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String host = LogoutCommand.host(registry);
        Credentials credentials = Credentials.basic(username, RegistryOptions.readSecret(ctx));
        RegistryClient client = RegistryClient.builder().credentials(CredentialProvider.fixed(credentials))
                .insecure(insecure ? Set.of(host) : Set.of()).build();
        try {
            client.ping(host);
        } catch (TrustplaneException e) {
            if (e.kind() == ErrorKind.UNAUTHORIZED) {
                throw new TrustplaneException(ErrorKind.UNAUTHORIZED, "Login to " + host + " as " + username
                        + " failed: the registry rejected the credentials; nothing was stored", e);
            }
            throw e;
        }
        DockerConfig config = authfile != null ? new DockerConfig(authfile) : DockerConfig.fromEnvironment(ctx.env());
        config.store(host, credentials);
        ctx.out().println("Login Succeeded: credentials for " + host + " stored in " + config.file());
        return 0;
    }
}
