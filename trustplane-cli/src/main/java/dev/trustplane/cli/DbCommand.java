package dev.trustplane.cli;

import dev.trustplane.config.Directories;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.vuln.FeedSource;
import dev.trustplane.vuln.IntelDb;
import dev.trustplane.vuln.IntelImport;
import dev.trustplane.vuln.OsvDb;
import dev.trustplane.vuln.VulnDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "db", description = "Manage the local vulnerability databases (Debian security tracker, OSV, NVD,"
        + " KEV, EPSS).", subcommands = {DbCommand.Import.class, DbUpdateCommand.class, DbCommand.Status.class})
final class DbCommand implements Runnable {
    private final CliContext ctx;

    DbCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing subcommand: `trustplane db import FILE`, `trustplane db update` or `trustplane db status`");
    }

    static Path dir(CliContext ctx) {
        return Directories.vulnDb(ctx.env());
    }

    static String age(Duration d) {
        long hours = d.toHours();
        return hours < 48 ? hours + " h" : d.toDays() + " days";
    }

    @Command(name = "import", description = {
            "Import a Debian security tracker export (the JSON of",
            "https://security-tracker.debian.org/tracker/data/json) from a file (.json,",
            ".json.gz), a directory or .tar.gz holding one, or an http(s) URL.",
            "The previous database stays in place unless the import succeeds."})
    static final class Import implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "SOURCE", description = "file, directory, .tar.gz or URL")
        String source;

        @Option(names = "--osv", description = "SOURCE is OSV JSON: one advisory or an array, a directory of them,"
                + " or a .zip such as osv.dev's per-ecosystem all.zip")
        boolean osv;

        @Option(names = "--nvd", description = "SOURCE is NVD CVE API 2.0 JSON (the nvdcve-2.0-YYYY.json[.gz] feed"
                + " files or API pages): a file or a directory of them; CVSS for findings Debian did not rate")
        boolean nvd;

        @Option(names = "--kev", description = "SOURCE is CISA's Known Exploited Vulnerabilities catalog (JSON)")
        boolean kev;

        @Option(names = "--epss", description = "SOURCE is FIRST's EPSS scores (epss_scores-current.csv[.gz])")
        boolean epss;

        @Option(names = "--taken-at", paramLabel = "INSTANT",
                description = "when the feed was downloaded (ISO-8601; default: the file's modification time or"
                        + " the server's Last-Modified)")
        Instant takenAt;

        Import(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (nvd || kev || epss) {
                if ((nvd ? 1 : 0) + (kev ? 1 : 0) + (epss ? 1 : 0) + (osv ? 1 : 0) > 1) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Give one of --osv, --nvd, --kev, --epss per"
                            + " import");
                }
                IntelDb.FeedInfo info = IntelImport.run(DbCommand.dir(ctx), nvd ? IntelDb.Feed.NVD : kev
                        ? IntelDb.Feed.KEV : IntelDb.Feed.EPSS, source, takenAt);
                ctx.out().println("Imported " + info.records() + " " + info.feed() + " records (" + info.file()
                        + ", taken " + info.takenAt() + ") into " + dir(ctx));
                if (info.skipped() > 0) {
                    ctx.err().println("warning: skipped " + info.skipped() + " record(s) of an unexpected shape:");
                    info.skippedExamples().forEach(x -> ctx.err().println("  " + x));
                }
                return 0;
            }
            if (osv) {
                Path path = Path.of(source);
                Instant taken;
                try {
                    taken = takenAt != null ? takenAt : Files.getLastModifiedTime(path).toInstant();
                } catch (NoSuchFileException e) {
                    throw new TrustplaneException(ErrorKind.NOT_FOUND, "OSV source " + source + " does not exist", e);
                } catch (IOException e) {
                    throw new TrustplaneException(ErrorKind.IO, "Cannot read " + source + ": " + e, e);
                }
                OsvDb.Info info = OsvDb.importFrom(dir(ctx), path, taken, Instant.now());
                ctx.out().println("Imported " + info.advisories() + " OSV advisories (" + String.join(", ",
                        info.ecosystems()) + ") into " + dir(ctx));
                if (info.skipped() > 0) {
                    ctx.err().println("warning: skipped " + info.skipped() + " advisory record(s) or document(s) of an"
                            + " unexpected shape; they are not in the database:");
                    info.skippedExamples().forEach(x -> ctx.err().println("  " + x));
                }
                return 0;
            }
            VulnDb.FeedInfo info;
            try (FeedSource.Opened feed = FeedSource.open(source, takenAt)) {
                info = VulnDb.importTracker(dir(ctx), feed.stream(), feed.name(), feed.takenAt(), Instant.now());
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read vulnerability feed " + source + ": "
                        + e.getMessage() + "; nothing was imported and the previous database is unchanged", e);
            }
            ctx.out().println("Imported " + info.records() + " records (" + info.cves() + " CVEs in " + info.sources()
                    + " source packages; releases " + String.join(", ", info.releases()) + ") into " + dir(ctx));
            printSkipped(ctx, info);
            return 0;
        }
    }

    /** Names the records an import skipped (the first ten) on standard error: they are not in the database. */
    private static void printSkipped(CliContext ctx, VulnDb.FeedInfo info) {
        if (info.skipped() == 0) {
            return;
        }
        ctx.err().println("warning: skipped " + info.skipped() + " record(s) of an unexpected shape; they are not in"
                + " the database" + (info.skipped() > info.skippedExamples().size() ? " (the first "
                + info.skippedExamples().size() + " below)" : "") + ":");
        info.skippedExamples().forEach(x -> ctx.err().println("  " + x));
    }

    @Command(name = "status", description = "Show what the vulnerability database holds and how old it is.")
    static final class Status implements Callable<Integer> {
        private final CliContext ctx;

        Status(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Optional<VulnDb> tracker = VulnDb.openIfPresent(dir(ctx));
            Optional<OsvDb> osv = OsvDb.openIfPresent(dir(ctx));
            if (tracker.isEmpty() && osv.isEmpty() && IntelDb.openIfPresent(dir(ctx)).isEmpty()) {
                VulnDb.open(dir(ctx));
            }
            tracker.ifPresent(db -> {
                VulnDb.FeedInfo info = db.info();
                ctx.out().println("Feed:      " + info.feed() + " (" + info.file() + ")");
                ctx.out().println("Taken:     " + info.takenAt() + " (" + age(info.age(Instant.now())) + " ago)");
                ctx.out().println("Imported:  " + info.importedAt());
                ctx.out().println("Records:   " + info.records() + " (" + info.cves() + " CVEs, " + info.sources()
                        + " source packages)");
                ctx.out().println("Releases:  " + String.join(", ", info.releases()));
                if (info.skipped() > 0) {
                    ctx.out().println("Skipped:   " + info.skipped() + " record(s) of an unexpected shape at import");
                }
            });
            IntelDb.openIfPresent(dir(ctx)).ifPresent(db -> db.feeds().values().forEach(f -> ctx.out().println(
                    String.format("%-10s %d CVEs from %s, taken %s (%s ago)%s", f.feed() + ":", f.records(), f.file(),
                            f.takenAt(), age(Duration.between(f.takenAt(), Instant.now())), f.skipped() == 0 ? ""
                                    : "; " + f.skipped() + " record(s) skipped at import"))));
            osv.ifPresent(db -> {
                OsvDb.Info info = db.info();
                ctx.out().println("Feed:      osv (" + info.source() + ")");
                ctx.out().println("Taken:     " + info.takenAt() + " (" + age(Duration.between(info.takenAt(),
                        Instant.now())) + " ago)");
                ctx.out().println("Records:   " + info.advisories() + " advisories, newest modified "
                        + info.newestRecord());
                ctx.out().println("Ecosystems: " + String.join(", ", info.ecosystems()));
            });
            return 0;
        }
    }
}
