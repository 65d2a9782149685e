package dev.trustplane.cli;

import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.catalog.Advisories;
import dev.trustplane.catalog.Catalog;
import dev.trustplane.catalog.CatalogJson;
import dev.trustplane.catalog.CatalogPlanner;
import dev.trustplane.catalog.CatalogStore;
import dev.trustplane.catalog.CatalogUpdater;
import dev.trustplane.catalog.ImagePlan;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.store.Store;
import dev.trustplane.vuln.VulnDb;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "update", description = {"Plan, then rebuild and publish exactly the images that changed (and those",
        "never published to the destination): SBOMs, SLSA provenance, a vulnerability",
        "report and OpenVEX as signed attestations, release notes as a referrer; then the",
        "tags move (12, latest, 12-YYYYMMDD; -dev for the dev variant) and the new lockfile",
        "is written. A failed image leaves its tags and lockfile untouched; the others go",
        "on. Writes the OSV advisory feed and OpenVEX under --advisories. Exit 17 when an",
        "image failed."})
final class CatalogUpdateCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "DIR", description = "the catalog: image specs with their lockfiles")
    Path dir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "REGISTRY/PREFIX",
            description = "where the images go: REGISTRY/PREFIX/NAME, NAME from each spec")
    String prefix;

    @Option(names = "--vuln-db", paramLabel = "DIR", description = "vulnerability database directory (default: the one"
            + " `trustplane db import` fills)")
    Path vulnDb;

    @Option(names = "--advisories", paramLabel = "DIR", description = "where the OSV feed and OpenVEX are written"
            + " (default: DIR/advisories)")
    Path advisories;

    @Option(names = "--sign", description = "sign each image and its attestations, with --key or keylessly")
    boolean sign;

    @Mixin
    SigningOptions signing = new SigningOptions();

    @Option(names = "--storage", paramLabel = "FORMAT", defaultValue = "both", description = StorageOption.HELP)
    StorageOption storage;

    @Option(names = "--image", paramLabel = "NAME", description = "only this catalog image (repeatable); the others"
            + " are left as they are")
    List<String> only = new ArrayList<>();

    @Option(names = "--force", description = "rebuild and sign again even what is up to date (the images named with"
            + " --image, else all), as a rebuild request does")
    boolean force;

    @Option(names = "--result-file", paramLabel = "FILE", description = "also write the outcome as compact JSON here,"
            + " at most 4096 bytes (/dev/termination-log in a Kubernetes Job: how `serve --rebuild-jobs` reads it)")
    Path resultFile;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE})")
    CatalogCommand.Output output;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    CatalogUpdateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String destination = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        try {
            ImageReference.parse(destination + "/probe:tag");
        } catch (TrustplaneException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "-o " + prefix + " is not REGISTRY/PREFIX (e.g."
                    + " registry.example.com/hardened): " + e.getMessage(), e);
        }
        if (!sign && signing.requested()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--key and the keyless flags only make sense with"
                    + " --sign");
        }
        SigningOptions.Prepared signer = sign ? signing.prepare(ctx) : null;
        Catalog catalog = Catalog.load(dir);
        VulnDb db = CatalogCommand.vulnDb(ctx, vulnDb);
        CatalogStore store = new CatalogStore(Store.fromEnvironment(ctx.env()));
        ProgressRenderer renderer = registry.renderer(ctx);
        List<ImagePlan> plans;
        List<CatalogUpdater.Outcome> outcomes;
        CatalogUpdater updater;
        try {
            ImageBuilder builder = new ImageBuilder(ImageBuilder.defaultCache(ctx.env()), renderer, Clock.systemUTC(),
                    Runtime.getRuntime().availableProcessors());
            plans = CatalogJson.only(new CatalogPlanner(builder, db).plan(catalog), only);
            updater = new CatalogUpdater(builder, ImageBuilder.defaultCache(ctx.env()),
                    () -> registry.client(ctx, renderer), registry.parallel, store, db, Clock.systemUTC(), renderer);
            Set<String> forced = new HashSet<>();
            if (force) {
                plans.forEach(p -> forced.add(p.image().name()));
            }
            outcomes = updater.update(catalog, plans, new CatalogUpdater.Options(destination,
                    signer == null ? null : signer::signer, storage.formats(), new Main.Version().versionText()), forced);
        } finally {
            renderer.finish();
        }
        Path out = advisories != null ? advisories : dir.resolve("advisories");
        int written = Advisories.write(out, Advisories.osv(store.fixes(), store.publications(), Instant.now()),
                updater.vex());
        if (resultFile != null) {
            CatalogJson.writeResult(resultFile, outcomes);
        }
        if (output == CatalogCommand.Output.JSON) {
            ctx.out().println(CatalogJson.text(CatalogJson.outcomes(outcomes)));
        } else {
            for (CatalogUpdater.Outcome o : outcomes) {
                ctx.out().printf("%-24s %-11s %s%n", o.image(), o.result().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        o.reason());
                for (CatalogUpdater.Variant v : o.variants()) {
                    ctx.out().println("    " + o.repository() + "@" + v.digest() + " tagged " + String.join(", ",
                            v.tags()));
                }
            }
            ctx.out().println("Advisories: " + written + " files in " + out + (sign ? "" : "; images are unsigned"
                    + " (no --sign): no attestations were attached"));
        }
        return outcomes.stream().anyMatch(o -> o.result() == CatalogUpdater.Outcome.Result.FAILED)
                ? ExitCode.CATALOG.code() : 0;
    }
}
