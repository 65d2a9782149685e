package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingStore;
import dev.trustplane.store.Store;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "suppress", description = "Suppress a finding (by the id `drift -o json` prints, or a unique prefix)"
        + " until a time, with a reason; it is open again after that, unless resolved.")
final class DriftSuppressCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "ID", description = "the finding's id (at least 6 hex digits)")
    String id;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why it is accepted")
    String reason;

    @Option(names = "--until", required = true, paramLabel = "RFC3339", description = "when the suppression ends")
    String until;

    DriftSuppressCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Instant end = TrustCommand.instant(until, "--until");
        if (!end.isAfter(Instant.now())) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--until " + until + " is in the past");
        }
        Finding f = new FindingStore(Store.fromEnvironment(ctx.env())).suppress(id, reason, end);
        ctx.out().println("Suppressed " + f.kind() + " " + f.workloadLabel() + " " + f.container() + " until "
                + f.suppressedUntil() + ".");
        return 0;
    }
}
