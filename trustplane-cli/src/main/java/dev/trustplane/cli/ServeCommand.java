package dev.trustplane.cli;

import dev.trustplane.admission.AdmissionController;
import dev.trustplane.catalog.CatalogLoop;
import dev.trustplane.config.Durations;
import dev.trustplane.event.Event;
import dev.trustplane.event.EventListener;
import dev.trustplane.feedback.FeedbackLoop;
import dev.trustplane.fleet.ClusterDrift;
import dev.trustplane.fleet.ClusterMode;
import dev.trustplane.fleet.KubernetesInventory;
import dev.trustplane.fleet.KubernetesPolicies;
import dev.trustplane.fleet.LeaderLease;
import dev.trustplane.server.AdmissionServer;
import dev.trustplane.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
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

    @Option(names = "--policies", required = true, paramLabel = "PATH|k8s", description = "policy file or directory;"
            + " or k8s: Kyverno ClusterPolicy, Policy and PolicyException objects and the ConfigMap "
            + KubernetesPolicies.CONFIGMAP + " from the Kubernetes API, watched, their status written back (a"
            + " directory named k8s: ./k8s)")
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
            description = "the timeoutSeconds of the webhook configurations; verification gets 80%% of it and an"
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

    enum LogFormat { TEXT, JSON }

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "FORMAT", description = "text, or json: one"
            + " object per line (time, level, logger, msg) on standard error for log collectors (default:"
            + " ${DEFAULT-VALUE})")
    LogFormat logFormat;

    @Option(names = "--shutdown-delay", defaultValue = "0s", paramLabel = "DURATION",
            description = "on SIGTERM, answer not-ready on /readyz but keep answering reviews this long before the"
                    + " listener closes, so a Service stops routing to the replica first (5s in deploy/; default:"
                    + " ${DEFAULT-VALUE})")
    String shutdownDelay;

    @Mixin
    PolicyOptions policy;

    @Mixin
    ServeLoopOptions loops = new ServeLoopOptions();

    @Mixin
    ServeClusterOptions cluster = new ServeClusterOptions();

    @Mixin
    RegistryOptions registry;

    ServeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Duration drain = Durations.parse(shutdownDelay);
        ProgressRenderer renderer = logFormat == LogFormat.JSON ? ProgressRenderer.json(ctx.err(), registry.verbose)
                : registry.renderer(ctx);
        // the controller's own news (policy reloads) is printed; the rest follows the renderer's level
        EventListener listener = event -> {
            if (event instanceof Event.Message m && m.level() == Event.Level.INFO) {
                renderer.log(Event.Level.INFO, m.text());
            } else {
                renderer.on(event);
            }
        };
        Duration timeout = AdmissionController.checkWebhookTimeout(Durations.parse(webhookTimeout), webhookTimeout);
        Map<String, String> env = new HashMap<>(ctx.env());
        if (storeUrl != null) {
            env.put("TRUSTPLANE_STORE_URL", storeUrl);
        }
        Function<String, Map<String, String>> labels = cluster.labels(ctx, renderer);
        Optional<KubernetesInventory> api = cluster.api(ctx);
        ClusterMode mode = ClusterMode.start(cluster.config(new AdmissionController.Config(policies, policy.loader(ctx),
                timeout, Durations.parse(cacheTtl), Durations.parse(negativeTtl), Durations.parse(tagTtl), cacheSize,
                Store.fromEnvironment(env), ticketWebhook, labels, ServeClusterOptions.context(labels)), api,
                policies.toString().equals("k8s"), loops.any(), ctx.env()), registry.client(ctx, renderer), listener);
        AdmissionController controller = mode.controller();
        controller.warnings().forEach(w -> renderer.log(Event.Level.WARN, w));
        LeaderLease lease = mode.lease();
        ClusterDrift drift = mode.drift();
        CatalogLoop catalog = loops.catalogLoop(ctx, controller.config().store(), registry, lease, api,
                listener);
        FeedbackLoop feedback = loops.feedbackLoop(ctx, controller.config().store(), listener);
        if (feedback != null) {
            feedback.onlyWhen(mode.leader());
        }
        AdmissionServer server = AdmissionServer.serve(controller, lease, drift, new AdmissionServer.Options(host, port,
                tlsCert, tlsKey, new Main.Version().getVersion()[0], line -> {
                    synchronized (ctx) {
                        ctx.out().println(line);
                        ctx.out().flush();
                    }
                }, loops.audit(ctx, controller.config().store(), registry, drift, renderer)), renderer)
                .withLoops(catalog, feedback, Duration.ofSeconds(10));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(drain);
            stopped.countDown();
        }));
        int n = controller.policies().size();
        renderer.log(Event.Level.INFO, "admission webhook on https://" + host + ":" + server.port() + " with "
                + n + " polic" + (n == 1 ? "y" : "ies") + mode.describePolicies() + ", ledger in "
                + controller.config().store().location() + mode.describeLeader()
                + (drift != null ? "; drift passes every " + cluster.driftInterval + " and at every trust change" : "")
                + (catalog != null ? "; catalog " + loops.catalog + " polled every " + loops.interval : "")
                + (feedback != null ? "; feedback to " + (loops.sinks.isEmpty() ? "rebuild requests only"
                : String.join(", ", loops.sinks)) : ""));
        stopped.await();
        return ExitCode.OK.code();
    }
}
