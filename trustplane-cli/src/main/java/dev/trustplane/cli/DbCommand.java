package dev.trustplane.cli;

import dev.trustplane.build.ImageBuilder;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.vuln.VulnDb;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "db", description = "Manage the local vulnerability database (Debian security tracker).",
        subcommands = {DbCommand.Import.class, DbCommand.Status.class})
final class DbCommand implements Runnable {
    private final CliContext ctx;

    DbCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: `trustplane db import FILE` or `trustplane db status`");
    }

    static Path dir(CliContext ctx) {
        return ImageBuilder.defaultCache(ctx.env()).resolve("vulndb");
    }

    static String age(Duration d) {
        long hours = d.toHours();
        return hours < 48 ? hours + " h" : d.toDays() + " days";
    }

    @Command(name = "import", description = {
            "Import a Debian security tracker export (the JSON of",
            "https://security-tracker.debian.org/tracker/data/json, plain or .gz).",
            "The previous database stays in place unless the import succeeds."})
    static final class Import implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "FILE", description = "tracker JSON file (.json or .json.gz)")
        Path file;

        @Option(names = "--taken-at", paramLabel = "INSTANT",
                description = "when the feed was downloaded (ISO-8601; default: the file's modification time)")
        Instant takenAt;

        Import(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Instant taken;
            try {
                taken = takenAt != null ? takenAt : Files.getLastModifiedTime(file).toInstant();
            } catch (NoSuchFileException e) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "Vulnerability feed " + file + " does not exist", e);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read " + file + ": " + e, e);
            }
            VulnDb.FeedInfo info;
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                 InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
                info = VulnDb.importTracker(dir(ctx), in, file.toString(), taken, Instant.now());
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read vulnerability feed " + file + ": "
                        + e.getMessage() + "; nothing was imported and the previous database is unchanged", e);
            }
            ctx.out().println("Imported " + info.records() + " records (" + info.cves() + " CVEs in " + info.sources()
                    + " source packages; releases " + String.join(", ", info.releases()) + ") into " + dir(ctx));
            return 0;
        }
    }

    @Command(name = "status", description = "Show what the vulnerability database holds and how old it is.")
    static final class Status implements Callable<Integer> {
        private final CliContext ctx;

        Status(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            VulnDb db = VulnDb.open(dir(ctx));
            VulnDb.FeedInfo info = db.info();
            ctx.out().println("Feed:      " + info.feed() + " (" + info.file() + ")");
            ctx.out().println("Taken:     " + info.takenAt() + " (" + age(info.age(Instant.now())) + " ago)");
            ctx.out().println("Imported:  " + info.importedAt());
            ctx.out().println("Records:   " + info.records() + " (" + info.cves() + " CVEs, " + info.sources()
                    + " source packages)");
            ctx.out().println("Releases:  " + String.join(", ", info.releases()));
            return 0;
        }
    }
}
