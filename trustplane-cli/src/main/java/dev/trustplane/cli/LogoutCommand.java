package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.registry.DockerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logout", description = "Remove a registry's stored credentials from the Docker config file.")
final class LogoutCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "host[:port]")
    String registry;

    @Option(names = "--authfile", paramLabel = "FILE", description = "Config file to edit (default: Docker's config.json)")
    Path authfile;

    LogoutCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String host = host(registry);
        DockerConfig config = authfile != null ? new DockerConfig(authfile) : DockerConfig.fromEnvironment(ctx.env());
        if (!config.remove(host)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Not logged in to " + host + ": " + config.file()
                    + " has no credentials for it");
        }
        ctx.out().println("Removed credentials for " + host + " from " + config.file());
        return 0;
    }

    /** A registry host from what users type: strips a scheme and a trailing path. */
    static String host(String text) {
        String h = text.replaceFirst("^[a-zA-Z]+://", "");
        int slash = h.indexOf('/');
        h = slash >= 0 ? h.substring(0, slash) : h;
        if (h.isEmpty() || !h.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Invalid registry \"" + text
                    + "\": expected host[:port], e.g. registry.example:5000");
        }
        return h.equals("index.docker.io") || h.equals("registry-1.docker.io") ? "docker.io" : h;
    }
}
