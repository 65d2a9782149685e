package dev.trustplane.cli;

import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.builder.ImageSpec;
import dev.trustplane.builder.ImageSpecParser;
import dev.trustplane.builder.LockedPackage;
import dev.trustplane.builder.Lockfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lock", description = {
        "Resolve an image spec against the signed Debian archives and write",
        "SPEC.lock.json. Every InRelease is verified against the keyring; every",
        "index is checked against it. A build from the lockfile uses exactly the",
        "packages it pins."})
final class LockCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "SPEC", description = "image spec (YAML), see docs/image-spec.md")
    Path spec;

    @Option(names = "--output", paramLabel = "FILE", description = "lockfile to write (default: SPEC.lock.json)")
    Path output;

    @Option(names = "--context", paramLabel = "DIR", description = "build context: every files: source must"
            + " lie inside it, symbolic links resolved (default: the spec's directory)")
    Path context;

    @Option(names = {"-v", "--verbose"}, description = "print what is fetched and verified")
    boolean verbose;

    LockCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ImageSpec parsed = ImageSpecParser.parse(spec, context);
        Path target = output != null ? output : Lockfile.defaultPath(spec);
        Lockfile previous = Files.isRegularFile(target) ? readQuietly(target) : null;
        ProgressRenderer renderer = new ProgressRenderer(ctx.err(), ctx.interactive(), verbose);
        Lockfile lock;
        try {
            lock = new ImageBuilder(ImageBuilder.defaultCache(ctx.env()), renderer, Clock.systemUTC(),
                    Runtime.getRuntime().availableProcessors()).lock(parsed, previous);
        } finally {
            renderer.finish();
        }
        lock.write(target);
        for (Map.Entry<String, Map<String, List<LockedPackage>>> arch : lock.packages().entrySet()) {
            for (Map.Entry<String, List<LockedPackage>> variant : arch.getValue().entrySet()) {
                long bytes = variant.getValue().stream().mapToLong(LockedPackage::size).sum();
                ctx.out().println("Locked " + parsed.name() + " " + variant.getKey() + "/" + arch.getKey() + ": "
                        + variant.getValue().size() + " packages (" + Sizes.human(bytes) + ")");
            }
        }
        ctx.out().println("SOURCE_DATE_EPOCH: " + lock.sourceDateEpoch());
        ctx.out().println("Wrote " + target);
        return 0;
    }

    private static Lockfile readQuietly(Path file) {
        try {
            return Lockfile.read(file);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
