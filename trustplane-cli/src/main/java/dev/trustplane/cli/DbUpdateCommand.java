package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.vuln.FeedUpdate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "update", description = {
        "Fetch every configured feed (the Debian tracker, OSV's Debian dump, NVD's yearly files, CISA KEV,",
        "FIRST EPSS) with conditional requests and import those that changed. Each import swaps its",
        "database atomically; a feed that cannot be fetched keeps its previous data (exit 5)."})
final class DbUpdateCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--feeds", paramLabel = "FILE", description = "feeds file (YAML: feeds: {tracker: URL, osv: URL,"
            + " nvd: [URL…], kev: URL, epss: URL}); default: the public feed URLs")
    Path feeds;

    DbUpdateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<FeedUpdate.Feed> list = feeds == null ? FeedUpdate.defaults(Instant.now()) : FeedUpdate.read(feeds);
        List<FeedUpdate.Outcome> outcomes = new FeedUpdate(DbCommand.dir(ctx), Clock.systemUTC()).run(list);
        int failed = 0;
        for (FeedUpdate.Outcome o : outcomes) {
            switch (o.status()) {
                case IMPORTED -> ctx.out().println(o.kind() + ": imported (" + o.detail() + ")");
                case NOT_MODIFIED -> ctx.out().println(o.kind() + ": " + o.detail());
                case FAILED -> {
                    failed++;
                    ctx.err().println("trustplane: " + o.kind() + ": " + o.detail());
                }
            }
        }
        if (failed > 0) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, failed + " of " + outcomes.size() + " feeds could not"
                    + " be updated (above); the others are up to date");
        }
        return 0;
    }
}
