package dev.trustplane.cli;

import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.catalog.ArchiveWatcher;
import dev.trustplane.catalog.Catalog;
import dev.trustplane.catalog.CatalogJson;
import dev.trustplane.catalog.CatalogStore;
import dev.trustplane.catalog.PatchTimeline;
import dev.trustplane.config.Directories;
import dev.trustplane.store.Store;
import dev.trustplane.vuln.VulnDb;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "catalog", description = {"Keep a catalog of images patched: watch the Debian archive, plan and",
        "publish rebuilds of exactly the images a fixed package affects, and measure",
        "time-to-patch per image and CVE."},
        subcommands = {CatalogCommand.Watch.class, CatalogPlanCommand.class, CatalogUpdateCommand.class,
                CatalogCommand.Timeline.class})
final class CatalogCommand implements Runnable {
    @Spec
    CommandSpec spec;

    CatalogCommand(CliContext ctx) {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: `trustplane catalog watch DIR`,"
                + " `catalog plan DIR`, `catalog update DIR -o REGISTRY/PREFIX` or `catalog timeline`");
    }

    /** How results are printed. */
    enum Output { TABLE, JSON }

    /** The vulnerability database: {@code --vuln-db} or the default one, null when none was imported. */
    static VulnDb vulnDb(CliContext ctx, Path dir) {
        return dir != null ? VulnDb.open(dir) : VulnDb.openIfPresent(Directories.vulnDb(ctx.env())).orElse(null);
    }

    @Command(name = "watch", description = {"Poll every suite the catalog's specs use, once: a conditional GET of its",
            "InRelease; a new release is verified and every package version it brings is",
            "recorded with the release's Date (when the fix appeared, for the timeline)."})
    static final class Watch implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "DIR", description = "the catalog: image specs with their lockfiles")
        Path dir;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
                description = "table or json (default: ${DEFAULT-VALUE})")
        Output output;

        Watch(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Catalog catalog = Catalog.load(dir);
            ArchiveWatcher.Poll poll = new ArchiveWatcher(new CatalogStore(Store.fromEnvironment(ctx.env())),
                    ImageBuilder.defaultCache(ctx.env()), Clock.systemUTC(), new ProgressRenderer(ctx.err(), false,
                    false)).poll(catalog);
            if (output == Output.JSON) {
                ctx.out().println(CatalogJson.text(CatalogJson.poll(poll)));
            } else {
                for (ArchiveWatcher.SuiteResult s : poll.suites()) {
                    ctx.out().printf("%-45s %-22s %s%n", s.archive(), s.suite(), s.problem() != null
                            ? "FAILED: " + s.problem() : !s.changed() ? "unchanged (release of " + s.releaseDate() + ")"
                            : "new release of " + s.releaseDate() + ": " + s.newVersions() + " new package versions"
                            + (s.baseline() ? " (first poll: the baseline)" : ""));
                }
                ctx.out().println("Polled " + poll.suites().size() + " suites in " + poll.took().toMillis() + " ms");
            }
            return poll.suites().stream().anyMatch(s -> s.problem() != null) ? ExitCode.CATALOG.code() : 0;
        }
    }

    @Command(name = "timeline", description = {"The patch timeline: for every (image, CVE) a rebuild fixed, when the",
            "fixed package appeared in the archive, when the image was published, the",
            "difference, and the SLA per severity with the misses."})
    static final class Timeline implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--sla", paramLabel = "SEV=DURATION,…", description = "SLA per severity over the defaults"
                + " critical=24h,high=7d (units m, h, d)")
        String sla;

        @Option(names = "--fail-on-miss", description = "exit 17 when a fix missed its SLA")
        boolean failOnMiss;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
                description = "table or json (default: ${DEFAULT-VALUE})")
        Output output;

        Timeline(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            PatchTimeline timeline = PatchTimeline.of(new CatalogStore(Store.fromEnvironment(ctx.env())).fixes(),
                    PatchTimeline.parseSla(sla));
            if (output == Output.JSON) {
                ctx.out().println(CatalogJson.text(CatalogJson.timeline(timeline)));
            } else {
                table(timeline);
            }
            return failOnMiss && !timeline.misses().isEmpty() ? ExitCode.CATALOG.code() : 0;
        }

        private void table(PatchTimeline timeline) {
            if (timeline.rows().isEmpty()) {
                ctx.out().println("No fixes published yet: `trustplane catalog update` records them");
                return;
            }
            ctx.out().printf("%-22s %-8s %-16s %-9s %-21s %-21s %-10s %s%n", "IMAGE", "VARIANT", "CVE", "SEVERITY",
                    "APPEARED", "PUBLISHED", "TTP", "SLA");
            for (PatchTimeline.Row r : timeline.rows()) {
                Boolean ok = r.withinSla();
                ctx.out().printf("%-22s %-8s %-16s %-9s %-21s %-21s %-10s %s%n", r.image(), r.variant(), r.cve(),
                        r.severity().name().toLowerCase(Locale.ROOT), r.appearedAt() == null ? "unknown"
                                : (r.baseline() ? "≤" : "") + r.appearedAt(), r.publishedAt(),
                        (r.baseline() ? "≥" : "") + PatchTimeline.human(r.timeToPatch()),
                        ok == null ? "-" : ok ? "met" : "MISSED (" + PatchTimeline.human(r.sla()) + ")");
            }
            ctx.out().println();
            for (PatchTimeline.Summary s : timeline.summary()) {
                ctx.out().println(s.severity().name().toLowerCase(Locale.ROOT) + ": " + s.fixes() + " fixes, median "
                        + PatchTimeline.human(s.median()) + ", worst " + PatchTimeline.human(s.worst())
                        + (s.sla() == null ? "" : ", SLA " + PatchTimeline.human(s.sla()) + ": " + s.misses()
                        + " missed"));
            }
            if (timeline.rows().stream().anyMatch(PatchTimeline.Row::baseline)) {
                ctx.out().println("≤/≥: the fixed version was already in the archive at the watcher's first poll;"
                        + " the true time-to-patch is longer");
            }
        }
    }
}
