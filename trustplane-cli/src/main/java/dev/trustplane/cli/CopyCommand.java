package dev.trustplane.cli;

import dev.trustplane.oci.transfer.CopyResult;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "copy", description = {
        "Copy an image or a whole index between registries and OCI layouts.",
        "Blobs already at the destination are skipped; within one registry they are mounted.",
        "Manifests are copied byte for byte: the digest never changes."})
final class CopyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "oci:DIR[:TAG], oci:DIR@DIGEST or REGISTRY/REPO[:TAG][@DIGEST]")
    String source;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "oci:DIR[:TAG] or REGISTRY/REPO[:TAG]")
    String destination;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    CopyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Location from = Location.parse(source);
        Location to = Location.parse(destination);
        ProgressRenderer renderer = registry.renderer(ctx);
        ImageCopier copier = new ImageCopier(registry.client(ctx, renderer), renderer, registry.parallel);
        CopyResult result;
        try {
            result = copier.copy(from, to);
        } finally {
            renderer.finish();
        }
        ctx.out().println("Copied " + from + " to " + to);
        ctx.out().println("Digest: " + result.digest());
        ctx.out().println("Blobs: " + result.blobsCopied() + " copied (" + Sizes.human(result.bytesCopied()) + "), "
                + result.blobsSkipped() + " already present, " + result.blobsMounted() + " mounted; manifests: "
                + result.manifests());
        return 0;
    }
}
