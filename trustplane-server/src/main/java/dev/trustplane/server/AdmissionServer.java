package dev.trustplane.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.admission.AdmissionController;
import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.admission.AdmissionRequest;
import dev.trustplane.admission.AdmissionService;
import dev.trustplane.event.EventListener;
import dev.trustplane.audit.AuditReport;
import dev.trustplane.catalog.CatalogLoop;
import dev.trustplane.feedback.FeedbackLoop;
import dev.trustplane.fleet.ClusterDrift;
import dev.trustplane.fleet.DriftLoop;
import dev.trustplane.fleet.LeaderLease;
import dev.trustplane.io.Json;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.EvaluationJson;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.ResultCache;
import dev.trustplane.verify.VerificationReport;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The admission webhook over HTTPS: {@code POST /validate} and {@code POST /mutate} answer
 * AdmissionReviews through {@link AdmissionService}; {@code /healthz}, {@code /readyz},
 * {@code /metrics} (Prometheus) and {@code /version}. A request larger than
 * {@link AdmissionRequest#MAX_BYTES} is refused by the server before it is read; a malformed one
 * gets a 400. The serving certificate is re-read when its files change.
 */
public final class AdmissionServer implements AutoCloseable {
    private final WebServer server;
    private final AdmissionService service;
    private final AdmissionLedger ledger;
    private final Metrics metrics = new Metrics();
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final ReloadingKeyManager keys;
    private final Path certificateFile;
    private final Consumer<String> decisionLog;
    private AdmissionController controller;
    private ScheduledExecutorService scheduler;
    private ClusterDrift cluster;
    private final List<ScheduledExecutorService> loops = new ArrayList<>();
    private final EventListener listener;

    /**
     * Where and how to serve; {@code decisionLog} receives one JSON line per denied or warned
     * request (may be null).
     */
    public record Options(String host, int port, Path tlsCertificate, Path tlsKey, String version,
            Consumer<String> decisionLog, Supplier<AuditReport> audit) {
        public Options(String host, int port, Path tlsCertificate, Path tlsKey, String version) {
            this(host, port, tlsCertificate, tlsKey, version, null, null);
        }

        public Options(String host, int port, Path tlsCertificate, Path tlsKey, String version,
                Consumer<String> decisionLog) {
            this(host, port, tlsCertificate, tlsKey, version, decisionLog, null);
        }
    }

    private AdmissionServer(Options options, AdmissionService service, AdmissionLedger ledger,
            ResultCache<VerificationReport> cache, EventListener listener) {
        this.service = service;
        this.ledger = ledger;
        this.decisionLog = options.decisionLog();
        this.listener = listener;
        this.certificateFile = options.tlsCertificate();
        this.keys = new ReloadingKeyManager(options.tlsCertificate(), options.tlsKey(), 2000, listener::warn);
        SSLContext ssl;
        try {
            ssl = SSLContext.getInstance("TLS");
            ssl.init(new KeyManager[] {keys}, null, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        Tls tls = Tls.builder().sslContext(ssl).sslParameters(parameters).build();
        if (cache != null) {
            metrics.counter("trustplane_verification_cache_hits_total", "Verifications answered from the cache", cache::hits);
            metrics.counter("trustplane_verification_cache_misses_total", "Verifications run", cache::misses);
            metrics.counter("trustplane_verification_cache_coalesced_total",
                    "Requests that waited for a verification another request had started (single flight)", cache::coalesced);
            metrics.gauge("trustplane_verification_cache_entries", "Entries in the verification cache", cache::size);
        }
        if (ledger != null) {
            metrics.counter("trustplane_ledger_written_total", "Decisions stored in the admission ledger", ledger::written);
            metrics.counter("trustplane_ledger_dropped_total", "Decisions the ledger could not record in time (their"
                    + " requests were denied under Enforce)", ledger::dropped);
            metrics.gauge("trustplane_ledger_behind", "1 while the ledger cannot keep up (queue over 90 % full or no"
                    + " write for 30 s); /readyz then reports not ready", () -> ledger.behind() ? 1 : 0);
            metrics.counter("trustplane_ledger_failures_total", "Ledger batches that failed to store and were retried",
                    ledger::failures);
            metrics.gauge("trustplane_ledger_queued", "Decisions waiting to be stored", ledger::queued);
        }
        this.server = WebServer.builder()
                .host(options.host())
                .port(options.port())
                .tls(tls)
                .maxPayloadSize(AdmissionRequest.MAX_BYTES + 1L)
                // Answers are small and latency-bound: without TCP_NODELAY, Nagle's algorithm and the
                // peer's delayed ACK hold each answer ~40 ms at low request rates.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .routing(r -> {
                    if (ledger != null) {
                        new Console(ledger.store(), options.audit() == null ? null
                                : memoized(options.audit(), Duration.ofSeconds(60))).routes(r);
                    }
                    r
                        .post("/validate", (req, res) -> admit(req, res, Phase.VALIDATE))
                        .post("/mutate", (req, res) -> admit(req, res, Phase.MUTATE))
                        .get("/healthz", (req, res) -> res.send("ok\n"))
                        .get("/readyz", (req, res) -> {
                            if (ready.get() && ledger != null && ledger.behind()) {
                                res.status(Status.SERVICE_UNAVAILABLE_503).send("not ready: the admission ledger cannot"
                                        + " keep up (" + ledger.queued() + " decisions waiting for " + ledger.store()
                                        .location() + ")\n");
                            } else if (ready.get()) {
                                res.send("ready\n");
                            } else {
                                res.status(Status.SERVICE_UNAVAILABLE_503).send("not ready\n");
                            }
                        })
                        .get("/metrics", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                            res.send(metrics.render());
                        })
                        .get("/version", (req, res) -> res.send(options.version() + "\n"));
                })
                .build();
    }

    /**
     * Serves {@code controller}: its service on the routes, its cache and ledger in the metrics,
     * and a scheduler of this server's that lets the controller reload changed policies every
     * {@link AdmissionController#policyCheckInterval()}. {@link #close} stops the scheduler and
     * the listener, then closes the controller (draining the ledger).
     */
    public static AdmissionServer serve(AdmissionController controller, Options options, EventListener listener) {
        return serve(controller, null, options, listener);
    }

    /** {@link #serve(AdmissionController, LeaderLease, ClusterDrift, Options, EventListener)} with the drift's Lease. */
    public static AdmissionServer serve(AdmissionController controller, ClusterDrift cluster, Options options,
            EventListener listener) {
        return serve(controller, cluster == null ? null : cluster.lease(), cluster, options, listener);
    }

    /**
     * {@link #serve(AdmissionController, Options, EventListener)}, the installation's Lease (may be
     * null: a single replica leads alone) tried and renewed on its schedule, and the cluster's drift
     * loop (may be null) ticked every second on a thread of its own, the loop's findings and runs in
     * the metrics; {@link #close} closes it first.
     */
    public static AdmissionServer serve(AdmissionController controller, LeaderLease lease, ClusterDrift cluster,
            Options options, EventListener listener) {
        DriftLoop drift = cluster == null ? null : cluster.loop();
        AdmissionServer s = new AdmissionServer(options, controller.service(), controller.ledger(),
                controller.reportCache(), listener);
        s.controller = controller;
        s.cluster = cluster;
        if (controller.sharedVerifications() != null) {
            s.metrics.counter("trustplane_verification_shared_hits_total", "Verifications answered from the replicas'"
                    + " shared cache in the store (another replica had done them)", controller::sharedHits);
            s.metrics.counter("trustplane_verification_shared_written_total", "Verifications stored for the other"
                    + " replicas", controller.sharedVerifications()::written);
        }
        s.scheduler = Executors.newScheduledThreadPool(3, r -> Thread.ofPlatform()
                .daemon(true).name("trustplane-scheduler").unstarted(r));
        long every = AdmissionController.policyCheckInterval().toMillis();
        s.scheduler.scheduleWithFixedDelay(s.guarded("policy check", controller::checkPolicies), every, every,
                TimeUnit.MILLISECONDS);
        if (lease != null) {
            long renew = lease.renewEvery().toMillis();
            s.scheduler.scheduleWithFixedDelay(s.guarded("leader lease", lease::tryAcquireOrRenew), 0, renew,
                    TimeUnit.MILLISECONDS);
            s.metrics.gauge("trustplane_leader", "1 while this replica holds the installation's Lease and runs the"
                    + " loops (drift, catalog, feedback)", () -> lease.getAsBoolean() ? 1 : 0);
            s.metrics.counter("trustplane_leader_acquisitions_total", "Times this replica became leader",
                    lease::acquisitions);
        }
        if (drift != null) {
            s.scheduler.scheduleWithFixedDelay(s.guarded("drift", drift::tick), 1, 1, TimeUnit.SECONDS);
            s.metrics.gauge("trustplane_drift_findings_open", "Open drift findings after the last pass, by kind", "kind",
                    () -> {
                        Map<String, Long> out = new TreeMap<>();
                        drift.open().forEach((k, n) -> out.put(k.name(), n));
                        return out;
                    });
            s.metrics.counter("trustplane_drift_passes_total", "Drift passes run", drift::passes);
            s.metrics.counter("trustplane_drift_failures_total", "Drift passes that could not run (inventory"
                    + " unreadable)", drift::failures);
            s.metrics.gauge("trustplane_drift_last_run_timestamp_seconds", "When the last drift pass started",
                    drift::lastRunEpochSeconds);
            s.metrics.gauge("trustplane_drift_last_duration_milliseconds", "How long the last drift pass took",
                    drift::lastDurationMillis);
            s.metrics.gauge("trustplane_drift_incomplete_checks", "Checks the last drift pass could not run",
                    drift::incomplete);
            s.metrics.counter("trustplane_drift_pod_events_total", "Pod events whose workload was re-judged at once",
                    drift::podEvents);
            s.metrics.gauge("trustplane_drift_pod_event_last_microseconds", "How long the last pod event's"
                    + " re-judgement took", drift::lastEventMicros);
        }
        s.server.start();
        s.warmUp();
        s.ready.set(true);
        return s;
    }

    /**
     * Runs the catalog's patching loop (may be null) and the feedback loop (may be null) beside
     * the webhook, each on a thread of its own (a rebuild takes minutes; admission never waits
     * for it), ticked every {@code every}, with their counters in the metrics.
     */
    public AdmissionServer withLoops(CatalogLoop catalog, FeedbackLoop feedback, Duration every) {
        if (catalog != null) {
            loops.add(schedule("trustplane-catalog", catalog::tick, every));
            metrics.counter("trustplane_catalog_polls_total", "Archive polls of the catalog loop", catalog::polls);
            metrics.counter("trustplane_catalog_published_total", "Catalog images published", catalog::published);
            metrics.counter("trustplane_catalog_failures_total", "Catalog images or ticks that failed",
                    catalog::failures);
            metrics.gauge("trustplane_catalog_last_poll_milliseconds", "How long the last archive poll took",
                    catalog::lastPollMillis);
            metrics.gauge("trustplane_catalog_last_update_timestamp_seconds", "When the catalog was last planned and"
                    + " updated", catalog::lastUpdateEpochSeconds);
            metrics.gauge("trustplane_catalog_last_run_timestamp_seconds", "When the archive was last polled",
                    catalog::lastPollEpochSeconds);
        }
        if (feedback != null) {
            AtomicLong pending = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            loops.add(schedule("trustplane-feedback", () -> {
                FeedbackLoop.Result r = feedback.tick();
                pending.set(r.pending());
                failed.addAndGet(r.failed());
            }, every));
            metrics.gauge("trustplane_feedback_deliveries_pending", "Ticket deliveries waiting for their sink",
                    pending::get);
            metrics.counter("trustplane_feedback_delivery_failures_total", "Ticket deliveries that failed (retried)",
                    failed::get);
            metrics.gauge("trustplane_feedback_last_run_timestamp_seconds", "When the feedback loop last ran",
                    feedback::lastRunEpochSeconds);
            metrics.gauge("trustplane_feedback_last_duration_milliseconds", "How long the feedback loop's last run"
                    + " took", feedback::lastDurationMillis);
        }
        return this;
    }

    private ScheduledExecutorService schedule(String name, Runnable tick, Duration every) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .daemon(true).name(name).unstarted(r));
        executor.scheduleWithFixedDelay(guarded(name, tick), 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return executor;
    }

    /**
     * {@code tick} reporting what it throws instead of throwing it: a scheduled task that throws is
     * never run again, so one unexpected failure would stop policy reloads, Lease renewals or a loop
     * for good.
     */
    private Runnable guarded(String name, Runnable tick) {
        return () -> {
            try {
                tick.run();
            } catch (RuntimeException e) {
                listener.warn(name + ": " + e.getMessage() + "; tried again at its next turn");
            }
        };
    }

    /** {@code source} at most once per {@code ttl}; one caller computes while the others wait for its answer. */
    static <T> Supplier<T> memoized(Supplier<T> source, Duration ttl) {
        return new Supplier<>() {
            private T value;
            private long at;

            @Override
            public synchronized T get() {
                long now = System.nanoTime();
                if (value == null || now - at > ttl.toNanos()) {
                    value = source.get();
                    at = now;
                }
                return value;
            }
        };
    }

    /** Starts serving; {@code cache} (may be null) and {@code ledger} (may be null) feed the metrics. */
    public static AdmissionServer start(Options options, AdmissionService service, AdmissionLedger ledger,
            ResultCache<VerificationReport> cache, EventListener listener) {
        AdmissionServer s = new AdmissionServer(options, service, ledger, cache, listener);
        s.server.start();
        s.warmUp();
        s.ready.set(true);
        return s;
    }

    /** Compiles the request path before {@code /readyz} says ready ({@link WarmUp}); its requests leave no metrics. */
    private void warmUp() {
        if (server.port() < 0) {
            return;
        }
        long start = System.nanoTime();
        int answered = WarmUp.run(server.port(), certificateFile);
        metrics.clearRequests();
        listener.debug("warm-up: " + answered + " requests in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private void admit(ServerRequest req, ServerResponse res, Phase phase) {
        long start = System.nanoTime();
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            // bounded here, not only by Helidon's limit: over HTTP/2 an oversized body fails the read
            // (which would be a 400); reading one byte past the limit gives the documented 413 on both
            body = in.readNBytes(AdmissionRequest.MAX_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            metrics.request(phase.name().toLowerCase(Locale.ROOT), "bad_request", System.nanoTime() - start);
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"error\":\"the request body could not be read\"}");
            return;
        }
        if (body.length > AdmissionRequest.MAX_BYTES) {
            metrics.request(phase.name().toLowerCase(Locale.ROOT), "bad_request", System.nanoTime() - start);
            res.status(Status.REQUEST_ENTITY_TOO_LARGE_413).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"error\":\"the AdmissionReview is larger than the " + AdmissionRequest.MAX_BYTES
                            + " bytes Trustplane reads\"}");
            return;
        }
        String contentType = req.headers().contentType().map(m -> m.text()).orElse("");
        if (!contentType.isEmpty() && !contentType.startsWith("application/json")) {
            metrics.request(phase.name().toLowerCase(Locale.ROOT), "bad_request", System.nanoTime() - start);
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"error\":\"Content-Type is " + contentType.replace("\"", "") + "; expected application/json\"}");
            return;
        }
        AdmissionService.Answer answer = service.review(body, phase);
        String result;
        if (answer.status() != 200) {
            result = "bad_request";
        } else if (answer.evaluation() == null) {
            result = "allowed";
        } else {
            result = answer.evaluation().denied() ? "denied" : "allowed";
            for (Decision d : answer.evaluation().decisions()) {
                metrics.decision(d);
            }
            if (decisionLog != null && (answer.evaluation().denied() || !answer.evaluation().warnings().isEmpty())) {
                decisionLog.accept(logLine(phase, answer));
            }
        }
        metrics.request(phase.name().toLowerCase(Locale.ROOT), result, System.nanoTime() - start);
        res.status(Status.create(answer.status())).header(HeaderNames.CONTENT_TYPE, "application/json").send(answer.body());
    }

    private static final ObjectMapper JSON = Json.mapper();

    /** One structured line: what was decided for which request, and why. */
    private static String logLine(Phase phase, AdmissionService.Answer answer) {
        var line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("event", answer.evaluation().denied() ? "admission.denied" : "admission.warned");
        line.put("phase", phase.name().toLowerCase(Locale.ROOT));
        line.put("uid", answer.uid());
        line.put("kind", answer.kind());
        line.put("resource", answer.resource());
        var reasons = line.putArray("reasons");
        for (Decision d : answer.evaluation().decisions()) {
            if (d.denies() || d.warns()) {
                ObjectNode reason = EvaluationJson.decision(d);
                reason.remove(List.of("policyHash", "signers"));
                reasons.add(reason);
            }
        }
        return line.toString();
    }

    public int port() {
        return server.port();
    }

    /** The serving certificate (after any reload). */
    public X509Certificate certificate() {
        return keys.certificate();
    }

    /** Stops taking requests, then drains the ledger so no decision is lost. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Graceful shutdown for a replica behind a Service: {@code /readyz} answers 503 at once while
     * reviews are still answered for {@code drainDelay} — time for the endpoints to drop this pod,
     * so the API server stops sending it requests before the listener closes — then stops as
     * {@link #close()} does (in-flight requests finish within the server's grace period, the
     * ledger is drained).
     */
    public void close(Duration drainDelay) {
        ready.set(false);
        if (!drainDelay.isZero() && !drainDelay.isNegative()) {
            listener.info("shutting down: not ready, still answering for " + drainDelay.toMillis() + " ms");
            try {
                Thread.sleep(drainDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loops.forEach(ScheduledExecutorService::shutdownNow);
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (cluster != null) {
            cluster.close();
        }
        server.stop();
        if (controller != null) {
            controller.close();
        } else if (ledger != null) {
            ledger.close();
        }
    }
}
