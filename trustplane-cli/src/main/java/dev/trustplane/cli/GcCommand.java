package dev.trustplane.cli;

import dev.trustplane.config.Durations;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.layout.GcResult;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.Location;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "gc", description = "Remove blobs of an OCI layout that index.json no longer reaches.")
final class GcCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "oci:DIR")
    String layout;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "0s",
            description = "Keep unreferenced blobs younger than this (e.g. 10m), for writers that do not take the"
                    + " layout lock (default: ${DEFAULT-VALUE})")
    String grace;

    GcCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!(Location.parse(layout) instanceof Location.Layout l) || l.tag() != null || l.digest() != null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "gc needs a layout directory as oci:DIR, not \""
                    + layout + "\"");
        }
        GcResult r = OciLayout.open(l.dir()).gc(Durations.parse(grace));
        ctx.out().println("Removed " + r.blobsRemoved() + " blobs (" + Sizes.human(r.bytesFreed()) + "), kept "
                + r.blobsKept() + ", removed " + r.tempFilesRemoved() + " stale temporary files");
        return 0;
    }
}
