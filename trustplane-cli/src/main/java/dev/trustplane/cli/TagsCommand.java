package dev.trustplane.cli;

import dev.trustplane.oci.ImageReference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "tags", description = "List the tags of a registry repository, one per line (all pages).")
final class TagsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "REPOSITORY", description = "REGISTRY/REPO, without tag or digest")
    String repository;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    TagsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String text = repository.startsWith("docker://") ? repository.substring(9) : repository;
        ImageReference repo = ImageReference.parseRepository(text);
        ProgressRenderer renderer = registry.renderer(ctx);
        for (String tag : registry.client(ctx, renderer).listTags(repo)) {
            ctx.out().println(tag);
        }
        return 0;
    }
}
