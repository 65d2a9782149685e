package dev.trustplane.cli;

import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "admission", description = "Set up the admission webhook.", subcommands = AdmissionCommand.Certs.class)
final class AdmissionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    AdmissionCommand(CliContext ctx) {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing subcommand: `trustplane admission certs --out DIR`");
    }

    @Command(name = "certs", description = {
            "Make a self-signed CA and a serving certificate for the webhook's Service (or --host names),",
            "and the Mutating/ValidatingWebhookConfiguration YAML with that CA as caBundle, failing closed.",
            "Writes ca.crt, ca.key, tls.crt, tls.key (keys 0600) and webhooks.yaml into --out."})
    static final class Certs implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write into")
        Path out;

        @Option(names = "--service", defaultValue = "trustplane", paramLabel = "NAME",
                description = "the webhook's Service (default: ${DEFAULT-VALUE})")
        String service;

        @Option(names = "--namespace", defaultValue = "trustplane", paramLabel = "NS",
                description = "the Service's namespace, excluded from admission (default: ${DEFAULT-VALUE})")
        String namespace;

        @Option(names = "--host", paramLabel = "NAME", description = "another DNS name or IP address for the"
                + " certificate (repeatable)")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--url", paramLabel = "URL", description = "reach the webhook at this https URL instead of the"
                + " Service (a webhook outside the cluster); its host joins the certificate")
        URI url;

        @Option(names = "--days", defaultValue = "365", paramLabel = "N", description = "validity (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--webhook-timeout", defaultValue = "10", paramLabel = "SECONDS",
                description = "timeoutSeconds of the webhooks, 1–30 (default: ${DEFAULT-VALUE}); pass the same to serve")
        int timeoutSeconds;

        @Option(names = "--force", description = "replace files that exist")
        boolean force;

        Certs(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (timeoutSeconds < 1 || timeoutSeconds > 30) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--webhook-timeout " + timeoutSeconds
                        + " is outside 1–30 seconds, which Kubernetes refuses");
            }
            if (days < 1 || days > 3650) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--days " + days + " must be 1 to 3650");
            }
            if (url != null && !"https".equals(url.getScheme())) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--url " + url + " must be https: Kubernetes"
                        + " calls webhooks over TLS only");
            }
            List<String> names = new ArrayList<>(url != null ? List.of(url.getHost())
                    : WebhookCertificates.serviceNames(service, namespace));
            hosts.stream().filter(h -> !names.contains(h)).forEach(names::add);
            List<String> files = List.of("ca.crt", "ca.key", "tls.crt", "tls.key", "webhooks.yaml");
            for (String f : files) {
                if (Files.exists(out.resolve(f)) && !force) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, out.resolve(f) + " exists; pass --force to"
                            + " replace it (the running webhook re-reads tls.crt/tls.key, but the caBundle in the"
                            + " cluster must be updated too)");
                }
            }
            WebhookCertificates.Material m = WebhookCertificates.generate(names, Duration.ofDays(days));
            String yaml = WebhookCertificates.webhookYaml(m.caCertificate(), service, namespace,
                    url == null ? null : url.toString(), timeoutSeconds);
            List<Path> written = new ArrayList<>();
            try {
                Files.createDirectories(out);
                for (String f : files) {
                    byte[] content = switch (f) {
                        case "ca.key" -> m.caKey().getBytes(StandardCharsets.US_ASCII);
                        case "tls.key" -> m.key().getBytes(StandardCharsets.US_ASCII);
                        case "ca.crt" -> m.caCertificate().getBytes(StandardCharsets.US_ASCII);
                        case "tls.crt" -> m.certificate().getBytes(StandardCharsets.US_ASCII);
                        default -> yaml.getBytes(StandardCharsets.UTF_8);
                    };
                    if (f.endsWith(".key")) {
                        AtomicFiles.writePrivate(out.resolve(f), content);
                    } else {
                        AtomicFiles.write(out.resolve(f), content);
                    }
                    written.add(out.resolve(f));
                }
            } catch (IOException e) {
                // A CA without its key, or a certificate without the YAML naming its CA, is of no use: none stays.
                for (Path p : written) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // reported below with the cause
                    }
                }
                throw new TrustplaneException(ErrorKind.IO, "Could not write into " + out + ": " + e.getMessage()
                        + "; nothing was left behind");
            }
            ctx.out().println("Wrote " + out + "/{ca.crt,ca.key,tls.crt,tls.key,webhooks.yaml} for " + String.join(", ", names));
            ctx.out().println("Next: kubectl create secret tls trustplane-tls -n " + namespace + " --cert " + out.resolve("tls.crt")
                    + " --key " + out.resolve("tls.key") + "; kubectl apply -f " + out.resolve("webhooks.yaml"));
            return ExitCode.OK.code();
        }
    }
}
