package dev.trustplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trustplane.admission.AdmissionService;
import dev.trustplane.admission.KubernetesNamespaces;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.PolicyProblem;
import dev.trustplane.policy.PolicyWatcher;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.server.AdmissionServer;
import dev.trustplane.sign.VerifierLimits;
import dev.trustplane.store.AdmissionLedger;
import dev.trustplane.store.Store;
import dev.trustplane.store.TicketNotifier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", description = {
        "Run the admission webhook: POST /validate and /mutate (admission.k8s.io/v1 AdmissionReview) over HTTPS,",
        "logging one JSON line per denied or warned request on standard output,",
        "/healthz, /readyz, /metrics (Prometheus). Every decision goes to the admission ledger (the embedded",
        "SQLite store, or PostgreSQL with --store-url / TRUSTPLANE_STORE_URL). Policy files are checked every",
        "5 s and reloaded when they change (a broken change is reported and the policies in force stay).",
        "Stops on SIGTERM after draining the ledger. Make certificates and webhook configurations with",
        "`trustplane admission certs`."})
final class ServeCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--policies", required = true, paramLabel = "PATH", description = "policy file or directory")
    Path policies;

    @Option(names = "--tls-cert", required = true, paramLabel = "FILE",
            description = "serving certificate chain (PEM); re-read when it changes")
    Path tlsCert;

    @Option(names = "--tls-key", required = true, paramLabel = "FILE", description = "serving key (PEM, unencrypted)")
    Path tlsKey;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDRESS", description = "default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "8443", paramLabel = "PORT", description = "default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--webhook-timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "the timeoutSeconds of the webhook configurations; verification gets 80% of it and an"
                    + " unfinished check is answered as an error (Enforce denies) before Kubernetes gives up"
                    + " (default: ${DEFAULT-VALUE})")
    String webhookTimeout;

    @Option(names = "--cache-ttl", defaultValue = "5m", paramLabel = "DURATION",
            description = "how long a verified result is reused (default: ${DEFAULT-VALUE})")
    String cacheTtl;

    @Option(names = "--negative-cache-ttl", defaultValue = "15s", paramLabel = "DURATION",
            description = "how long a result with nothing verified is reused (default: ${DEFAULT-VALUE})")
    String negativeTtl;

    @Option(names = "--tag-ttl", defaultValue = "10s", paramLabel = "DURATION",
            description = "how long a tag's resolved digest is reused (default: ${DEFAULT-VALUE})")
    String tagTtl;

    @Option(names = "--cache-size", defaultValue = "10000", paramLabel = "N", description = "default: ${DEFAULT-VALUE}")
    int cacheSize;

    @Option(names = "--store-url", paramLabel = "JDBC-URL",
            description = "PostgreSQL for the ledger (jdbc:postgresql://HOST:PORT/DB; user and password from"
                    + " TRUSTPLANE_STORE_USER/TRUSTPLANE_STORE_PASSWORD); default TRUSTPLANE_STORE_URL, else the"
                    + " embedded SQLite file in TRUSTPLANE_DATA")
    String storeUrl;

    @Option(names = "--ticket-webhook", paramLabel = "URL",
            description = "POST each newly opened rejection ticket here as JSON")
    URI ticketWebhook;

    @Option(names = "--namespace-labels", paramLabel = "FILE",
            description = "YAML map of namespace → labels, for rules with namespaceSelector, instead of asking the"
                    + " Kubernetes API")
    Path namespaceLabels;

    @Option(names = "--kube-api", paramLabel = "URL",
            description = "Kubernetes API server for namespace labels (namespaceSelector rules); default in a pod:"
                    + " KUBERNETES_SERVICE_HOST with the service account. Without labels such rules answer"
                    + " 'error: labels unknown', which Enforce denies")
    URI kubeApi;

    @Option(names = "--kube-token-file", paramLabel = "FILE", description = "bearer token for --kube-api")
    Path kubeToken;

    @Option(names = "--kube-ca-file", paramLabel = "FILE", description = "CA bundle (PEM) of --kube-api")
    Path kubeCa;

    @Mixin
    PolicyOptions policy;

    @Mixin
    RegistryOptions registry;

    ServeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        PolicyLoader.Loaded loaded = policy.loader().load(policies);
        loaded.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.WARNING)
                .forEach(p -> ctx.err().println("trustplane: " + p));
        List<Policy> list = loaded.orThrow();
        Duration timeout = GcCommand.parseDuration(webhookTimeout);
        if (timeout.isZero() || timeout.toSeconds() > 30) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--webhook-timeout " + webhookTimeout
                    + " must be between 1s and 30s (Kubernetes' limit for webhooks)");
        }
        for (Policy p : list) {
            if (p.webhookTimeoutSeconds() != null && p.webhookTimeoutSeconds() < timeout.toSeconds()) {
                ctx.err().println("trustplane: warning: policy " + p.displayName() + " asks for webhookTimeoutSeconds "
                        + p.webhookTimeoutSeconds() + ", below --webhook-timeout " + webhookTimeout
                        + "; the budget follows --webhook-timeout and the webhook configuration");
            }
        }
        ProgressRenderer renderer = registry.renderer(ctx);
        java.util.function.Function<String, Map<String, String>> labels = null;
        if (namespaceLabels != null) {
            labels = readLabels(namespaceLabels)::get;
        } else if (kubeApi != null) {
            labels = new KubernetesNamespaces(kubeApi, kubeToken, kubeCa, Duration.ofSeconds(30), renderer);
        } else {
            labels = KubernetesNamespaces.inCluster(ctx.env(), Duration.ofSeconds(30), renderer).orElse(null);
        }
        RegistryImageVerifier verifier = new RegistryImageVerifier(registry.client(ctx, renderer), VerifierLimits.DEFAULT,
                GcCommand.parseDuration(cacheTtl), GcCommand.parseDuration(negativeTtl), GcCommand.parseDuration(tagTtl),
                cacheSize);
        Map<String, String> env = new HashMap<>(ctx.env());
        if (storeUrl != null) {
            env.put("TRUSTPLANE_STORE_URL", storeUrl);
        }
        Store store = Store.fromEnvironment(env);
        AdmissionLedger ledger = new AdmissionLedger(store, 10_000, Duration.ofMillis(50),
                ticketWebhook == null ? null : new TicketNotifier(ticketWebhook, renderer), renderer);
        PolicyEngine engine = new PolicyEngine(list, verifier);
        AdmissionService service = new AdmissionService(engine, ledger, timeout.multipliedBy(8).dividedBy(10),
                labels, Clock.systemUTC());
        AdmissionServer server = AdmissionServer.start(new AdmissionServer.Options(host, port, tlsCert, tlsKey,
                new Main.Version().getVersion()[0], line -> {
                    synchronized (ctx) {
                        ctx.out().println(line);
                        ctx.out().flush();
                    }
                }), service, ledger, verifier.reportCache(), renderer);
        var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .daemon(true).name("trustplane-policy-watch").unstarted(r));
        PolicyWatcher watcher = new PolicyWatcher(policies, policy.loader(), next -> {
            PolicyEngine previous = service.replaceEngine(new PolicyEngine(next, verifier));
            ctx.err().println("trustplane: policies reloaded from " + policies + ": " + next.size() + " in force");
            ctx.err().flush();
            // Requests that started with the previous engine finish within the webhook timeout.
            scheduler.schedule(previous::close, timeout.toSeconds() * 2, java.util.concurrent.TimeUnit.SECONDS);
        }, renderer);
        scheduler.scheduleWithFixedDelay(watcher::check, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.shutdownNow();
            server.close();
            service.engine().close();
            stopped.countDown();
        }));
        ctx.err().println("trustplane: admission webhook on https://" + host + ":" + server.port() + " with "
                + list.size() + " polic" + (list.size() == 1 ? "y" : "ies") + ", ledger in " + store.location());
        ctx.err().flush();
        stopped.await();
        return ExitCode.OK.code();
    }

    private static Map<String, Map<String, String>> readLabels(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--namespace-labels " + file
                        + " must be a YAML map of namespace names to label maps");
            }
            Map<String, Map<String, String>> out = new HashMap<>();
            root.fields().forEachRemaining(e -> {
                Map<String, String> l = new HashMap<>();
                e.getValue().fields().forEachRemaining(x -> l.put(x.getKey(), x.getValue().asText()));
                out.put(e.getKey(), l);
            });
            return out;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read --namespace-labels " + file + ": "
                    + e.getMessage());
        }
    }
}
