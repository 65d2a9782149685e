package dev.trustplane.admission;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.policy.ImageVerifier;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.ContextSource;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.PolicySource;
import dev.trustplane.policy.PolicyProblem;
import dev.trustplane.policy.PolicyWatcher;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.policy.ResultCache;
import dev.trustplane.store.Store;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.VerifierLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The admission controller as every front end runs it: the policies of a path (reloaded when they
 * change), the verifier and its caches, the engine, the ledger and the service that answers
 * AdmissionReviews within 80 % of the webhook timeout. Revoked signers are read from the store at
 * every verification, so {@code trust revoke} is in force for the next request. Front ends give a {@link Config}, serve
 * {@link #service()} and call {@link #checkPolicies()} on a schedule of their own; what the
 * controller has to say (policy warnings, reloads) comes back as data and events, never printed.
 */
public final class AdmissionController implements AutoCloseable {
    /** The ledger's queue: decisions waiting to be stored. */
    static final int LEDGER_CAPACITY = 10_000;

    /**
     * What the controller runs with.
     *
     * @param namespaceLabels a namespace's labels for namespaceSelector rules, null when unknown; may be null
     * @param ticketWebhook   where newly opened rejection tickets are posted; may be null
     * @param context         where rules' context entries read ConfigMaps and API paths the policy
     *                        files do not hold; null for nowhere
     */
    public record Config(Path policies, PolicyLoader loader, Duration webhookTimeout, Duration cacheTtl,
            Duration negativeCacheTtl, Duration tagTtl, int cacheSize, Store store, URI ticketWebhook,
            Function<String, Map<String, String>> namespaceLabels, ContextSource context) {
        public Config {
            context = context == null ? ContextSource.NONE : context;
            checkWebhookTimeout(webhookTimeout, webhookTimeout.toSeconds() + "s");
            if (cacheSize < 1) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--cache-size " + cacheSize
                        + " must be at least 1");
            }
        }
    }

    private record Retired(PolicyEngine engine, long closeAfterNanos) {
    }

    private final Config config;
    private final RegistryImageVerifier verifier;
    private final SharedVerifications shared;
    private final RevocationStore revocations;
    private final AdmissionLedger ledger;
    private final AdmissionService service;
    private final PolicyWatcher watcher;
    private final List<String> warnings;
    private final List<Retired> retired = new ArrayList<>();
    private volatile List<Policy> policies;
    private volatile ContextSource context;

    private AdmissionController(Config config, PolicySource source, RegistryClient registry, EventListener listener,
            Clock clock) {
        this.config = config;
        PolicyLoader.Loaded loaded = source.load(config.loader());
        source.loaded(loaded);
        List<String> notes = new ArrayList<>();
        loaded.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.WARNING)
                .forEach(p -> notes.add(p.toString()));
        // One broken policy file never stops the webhook from starting: it is reported (and counted
        // in warnings()), the rest load — as the API server keeps every other Kyverno policy
        // when one is refused. A file whose every document failed leaves no policy behind.
        loaded.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                .forEach(p -> notes.add("refused: " + p));
        if (loaded.policies().isEmpty() && loaded.hasErrors()) {
            loaded.orThrow();
        }
        this.policies = loaded.policies();
        for (Policy p : policies) {
            if (p.webhookTimeoutSeconds() != null && p.webhookTimeoutSeconds() < config.webhookTimeout().toSeconds()) {
                notes.add("warning: policy " + p.displayName() + " asks for webhookTimeoutSeconds "
                        + p.webhookTimeoutSeconds() + ", below --webhook-timeout " + config.webhookTimeout().toSeconds()
                        + "s; the budget follows --webhook-timeout and the webhook configuration");
            }
        }
        this.warnings = List.copyOf(notes);
        this.revocations = new RevocationStore(config.store());
        this.verifier = new RegistryImageVerifier(registry, VerifierLimits.DEFAULT, config.cacheTtl(),
                config.negativeCacheTtl(), config.tagTtl(), config.cacheSize(), revocations::current);
        // replicas sharing PostgreSQL share their verifications too (ADR 021); one process alone needs no second level
        this.shared = config.store().postgres() ? new SharedVerifications(config.store(), Clock.systemUTC(), listener)
                : null;
        if (shared != null) {
            verifier.sharing(shared);
        }
        this.ledger = new AdmissionLedger(config.store(), LEDGER_CAPACITY, Duration.ofMillis(50),
                config.ticketWebhook() == null ? null : new TicketNotifier(config.ticketWebhook(), listener), listener);
        this.context = loaded.contextSource(config.context());
        this.service = new AdmissionService(new PolicyEngine(policies, verifier, context, Clock.systemUTC()), ledger,
                budget(config.webhookTimeout()), config.namespaceLabels(), clock);
        this.watcher = new PolicyWatcher(source, config.loader(), policies, next -> {
            context = next.contextSource(config.context());
            PolicyEngine previous = service.replaceEngine(new PolicyEngine(next.policies(), verifier, context,
                    Clock.systemUTC()));
            policies = List.copyOf(next.policies());
            // requests that started with the previous engine finish within the webhook timeout
            synchronized (retired) {
                retired.add(new Retired(previous, System.nanoTime() + config.webhookTimeout().multipliedBy(2).toNanos()));
            }
        }, listener);
    }

    /** Loads the policies (every error at once, or a refusal) and builds the controller. */
    public static AdmissionController open(Config config, RegistryClient registry, EventListener listener) {
        return open(config, PolicySource.files(config.policies()), registry, listener);
    }

    /** {@link #open(Config, RegistryClient, EventListener)} with the policies of {@code source} (Config's path unused). */
    public static AdmissionController open(Config config, PolicySource source, RegistryClient registry,
            EventListener listener) {
        return new AdmissionController(config, source, registry, listener, Clock.systemUTC());
    }

    /** The time verification may take: 80 % of the webhook timeout, so an answer beats Kubernetes' deadline. */
    public static Duration budget(Duration webhookTimeout) {
        return webhookTimeout.multipliedBy(8).dividedBy(10);
    }

    /** Kubernetes accepts webhook timeouts of 1 to 30 seconds; {@code text} is how the user wrote it. */
    public static Duration checkWebhookTimeout(Duration timeout, String text) {
        if (timeout.isZero() || timeout.isNegative() || timeout.toSeconds() > 30) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--webhook-timeout " + text
                    + " must be between 1s and 30s (Kubernetes' limit for webhooks)");
        }
        return timeout;
    }

    /**
     * Reloads the policies when their files changed (a broken change is reported and the policies
     * in force stay) and closes engines retired long enough ago. Returns true when it reloaded.
     */
    public boolean checkPolicies() {
        boolean reloaded = watcher.check();
        long now = System.nanoTime();
        synchronized (retired) {
            retired.removeIf(r -> {
                if (now - r.closeAfterNanos() >= 0) {
                    r.engine().close();
                    return true;
                }
                return false;
            });
        }
        return reloaded;
    }

    /** How often front ends should call {@link #checkPolicies()}. */
    public static Duration policyCheckInterval() {
        return Duration.ofSeconds(5);
    }

    public AdmissionService service() {
        return service;
    }

    public AdmissionLedger ledger() {
        return ledger;
    }

    /** The verifier every request uses (its caches keyed to the trust state); a drift loop shares it. */
    /** The replicas' shared verification cache, when the store is PostgreSQL; else null. */
    public SharedVerifications sharedVerifications() {
        return shared;
    }

    /** Verifications answered from the shared cache. */
    public long sharedHits() {
        return verifier.sharedHits();
    }

    public ImageVerifier verifier() {
        return verifier;
    }

    public ResultCache<VerificationReport> reportCache() {
        return verifier.reportCache();
    }

    /** Where the policies in force read their context: the ConfigMaps beside them, then the cluster. */
    public ContextSource contextSource() {
        return context;
    }

    /** The policies in force now. */
    public List<Policy> policies() {
        return policies;
    }

    /** What loading the policies had to say (lint warnings, timeouts below the webhook's). */
    public List<String> warnings() {
        return warnings;
    }

    public Config config() {
        return config;
    }

    /** The revoked signers every verification consults (read from the store at each one). */
    public RevocationStore revocations() {
        return revocations;
    }

    /** Drains the ledger (no decision lost) and closes the engines. */
    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
        ledger.close();
        revocations.close();
        service.engine().close();
        synchronized (retired) {
            retired.forEach(r -> r.engine().close());
            retired.clear();
        }
    }
}
