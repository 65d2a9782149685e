package dev.trustplane.cli;

import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.catalog.Catalog;
import dev.trustplane.catalog.CatalogJson;
import dev.trustplane.catalog.CatalogPlanner;
import dev.trustplane.catalog.ImagePlan;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plan", description = {"Re-resolve every spec of the catalog against the signed archive and say,",
        "per image: up to date, or which packages change from which version to which and",
        "which CVEs that fixes (from the vulnerability database, with severity). Writes",
        "nothing. Exit 17 when an image cannot be planned (the others still are)."})
final class CatalogPlanCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "DIR", description = "the catalog: image specs with their lockfiles")
    Path dir;

    @Option(names = "--vuln-db", paramLabel = "DIR", description = "vulnerability database directory (default: the one"
            + " `trustplane db import` fills; without one the plan names no CVEs)")
    Path vulnDb;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE})")
    CatalogCommand.Output output;

    CatalogPlanCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Catalog catalog = Catalog.load(dir);
        ProgressRenderer renderer = new ProgressRenderer(ctx.err(), ctx.interactive(), false);
        List<ImagePlan> plans;
        try {
            plans = new CatalogPlanner(new ImageBuilder(ImageBuilder.defaultCache(ctx.env()), renderer,
                    Clock.systemUTC(), Runtime.getRuntime().availableProcessors()),
                    CatalogCommand.vulnDb(ctx, vulnDb)).plan(catalog);
        } finally {
            renderer.finish();
        }
        if (output == CatalogCommand.Output.JSON) {
            ctx.out().println(CatalogJson.text(CatalogJson.plan(plans)));
        } else {
            print(ctx, plans);
        }
        return plans.stream().anyMatch(p -> p.status() == ImagePlan.Status.FAILED) ? ExitCode.CATALOG.code() : 0;
    }

    static void print(CliContext ctx, List<ImagePlan> plans) {
        int rebuild = 0;
        int failed = 0;
        for (ImagePlan p : plans) {
            ctx.out().printf("%-24s %-11s %s%n", p.image().name(), p.status().name().toLowerCase(Locale.ROOT)
                    .replace('_', ' '), p.why());
            for (ImagePlan.PackageChange c : p.changes()) {
                ctx.out().println("    " + c.name() + " " + (c.from() == null ? "(new)" : c.from()) + " → "
                        + (c.to() == null ? "(removed)" : c.to()) + " (" + String.join(", ", c.architectures()) + ")");
            }
            for (ImagePlan.CveFix f : p.fixes()) {
                ctx.out().println("    fixes " + f.cve() + " (" + f.severity().name().toLowerCase(Locale.ROOT)
                        + ") in " + f.source() + " " + f.from() + ", fixed in " + f.fixedVersion());
            }
            rebuild += p.rebuild() ? 1 : 0;
            failed += p.status() == ImagePlan.Status.FAILED ? 1 : 0;
        }
        ctx.out().println(plans.size() + " images: " + rebuild + " to rebuild, " + (plans.size() - rebuild - failed)
                + " up to date, " + failed + " failed");
    }
}
