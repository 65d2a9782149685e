package dev.trustplane.cli;

import dev.trustplane.audit.AuditConfig;
import dev.trustplane.audit.AuditReport;
import dev.trustplane.audit.FleetAudit;
import dev.trustplane.catalog.CatalogLoop;
import dev.trustplane.catalog.CatalogUpdater;
import dev.trustplane.config.Directories;
import dev.trustplane.config.Durations;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.feedback.FeedbackLoop;
import dev.trustplane.feedback.Sinks;
import dev.trustplane.fleet.ClusterDrift;
import dev.trustplane.fleet.LeaderLease;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.vuln.VulnDb;
import java.nio.file.Path;
import java.util.Optional;
import java.nio.file.Files;
import java.io.IOException;
import dev.trustplane.io.Json;
import dev.trustplane.fleet.RebuildJobs;
import dev.trustplane.fleet.KubernetesInventory;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** {@code serve}'s patching and feedback loops: the catalog it keeps patched and where tickets go. */
final class ServeLoopOptions {
    @Option(names = "--catalog", paramLabel = "DIR", description = "keep this catalog of image specs patched: poll"
            + " the Debian archive every --catalog-interval and rebuild and publish what a new package fixes (and what"
            + " feedback asks for); needs --catalog-output")
    Path catalog;

    @Option(names = "--catalog-output", paramLabel = "REGISTRY/PREFIX", description = "where --catalog publishes")
    String output;

    @Option(names = "--catalog-interval", paramLabel = "DURATION", defaultValue = "5m",
            description = "how often the archive is polled (a conditional GET per suite) (default: ${DEFAULT-VALUE})")
    String interval;

    @Option(names = "--catalog-key", paramLabel = "FILE", description = "sign what --catalog publishes with this key"
            + " (password from TRUSTPLANE_PASSWORD or COSIGN_PASSWORD); without it images are published unsigned")
    Path key;

    @Option(names = "--rebuild-jobs", paramLabel = "FILE", description = "run --catalog's rebuilds as Kubernetes Jobs"
            + " made from this batch/v1 Job template (the server image; see deploy/examples/rebuild-job.yaml) instead"
            + " of in this process; needs the Kubernetes API")
    Path rebuildJobs;

    @Option(names = "--rebuild-catalog-dir", paramLabel = "DIR", description = "where the catalog is mounted in a"
            + " rebuild Job's pod (default: the --catalog path)")
    String rebuildCatalogDir;

    @Option(names = "--rebuild-timeout", paramLabel = "DURATION", defaultValue = "1h",
            description = "how long a rebuild Job may run before it counts as failed (default: ${DEFAULT-VALUE})")
    String rebuildTimeout;

    @Option(names = "--origins", paramLabel = "FILE", description = "origins.yaml for the console's fleet audit"
            + " (/ui/fleet, /api/v1/audit; needs --drift-interval): who vouches for which images")
    Path origins;

    @Option(names = "--ticket-sink", paramLabel = "SINK", description = "send tickets for admission denials and drift"
            + " findings about images the catalog does not build: webhook:URL, github:OWNER/REPO, jira:PROJECT@URL"
            + " (repeatable); a sink that is down is retried, nothing is lost")
    List<String> sinks = new ArrayList<>();

    /** Whether a loop beside the drift loop is asked for (catalog, feedback). */
    boolean any() {
        return catalog != null || !sinks.isEmpty();
    }

    /**
     * The catalog loop, or null without --catalog; it runs only while {@code lease} is held, if any,
     * and rebuilds through Jobs in {@code cluster} with --rebuild-jobs.
     */
    CatalogLoop catalogLoop(CliContext ctx, Store store, RegistryOptions registry, LeaderLease lease,
            Optional<KubernetesInventory> cluster, EventListener listener) {
        if (catalog == null && rebuildJobs != null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--rebuild-jobs runs the rebuilds of --catalog DIR:"
                    + " pass --catalog too");
        }
        if (catalog == null) {
            if (output != null || key != null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--catalog-output and --catalog-key need"
                        + " --catalog DIR");
            }
            return null;
        }
        if (output == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--catalog needs --catalog-output REGISTRY/PREFIX:"
                    + " where the rebuilt images are published");
        }
        SigningKey signingKey = key == null ? null : KeyPasswords.privateKey(ctx, key);
        String prefix = output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
        CatalogLoop loop = CatalogLoop.of(new CatalogLoop.Config(catalog, store, Directories.cache(ctx.env()),
                () -> registry.client(ctx, listener), registry.parallel, new CatalogUpdater.Options(prefix,
                signingKey == null ? null : s -> new Signer(s, signingKey, Clock.systemUTC()), Signer.Format.ALL,
                new Main.Version().versionText()), Durations.parse(interval), Directories.vulnDb(ctx.env()),
                lease == null ? () -> true : lease), Clock.systemUTC(), listener);
        if (rebuildJobs != null) {
            KubernetesInventory api = cluster.orElseThrow(() -> new TrustplaneException(ErrorKind.INVALID_INPUT,
                    "--rebuild-jobs creates Jobs through the Kubernetes API: pass --kube-api URL, or run in the cluster"));
            JsonNode template;
            try {
                template = Json.yaml().readTree(Files.readAllBytes(rebuildJobs));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--rebuild-jobs " + rebuildJobs + " could not be"
                        + " read as a YAML Job: " + e.getMessage() + "; see deploy/examples/rebuild-job.yaml");
            }
            loop.rebuildingWith(new RebuildJobs(api, LeaderLease.namespace(ctx.env()), template,
                    rebuildCatalogDir != null ? rebuildCatalogDir : catalog.toString(), Durations.parse(rebuildTimeout),
                    Duration.ofSeconds(5), Clock.systemUTC(), listener));
        }
        return loop;
    }

    /** The console's live fleet audit over the informer's inventory, or null without a watched cluster. */
    Supplier<AuditReport> audit(CliContext ctx, Store store, RegistryOptions registry, ClusterDrift drift,
            EventListener listener) {
        if (drift == null) {
            if (origins != null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--origins is for the console's fleet audit of"
                        + " the cluster: it needs --drift-interval");
            }
            return null;
        }
        AuditConfig config = origins == null ? AuditConfig.defaults() : AuditConfig.load(origins);
        return () -> new FleetAudit(config, null, null, registry.client(ctx, listener),
                VulnDb.openIfPresent(Directories.vulnDb(ctx.env())).orElse(null), store, Clock.systemUTC(),
                Duration.ofHours(1)).run(drift.watch().snapshot(), false);
    }

    /** The feedback loop: with sinks, or with --catalog (rebuild requests need no sink). */
    FeedbackLoop feedbackLoop(CliContext ctx, Store store, EventListener listener) {
        if (sinks.isEmpty() && catalog == null) {
            return null;
        }
        return new FeedbackLoop(store, Sinks.parse(sinks, ctx.env()), Clock.systemUTC(), listener);
    }
}
