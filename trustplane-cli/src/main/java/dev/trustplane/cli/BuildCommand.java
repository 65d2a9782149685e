package dev.trustplane.cli;

import dev.trustplane.builder.BuildResult;
import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.builder.ImagePublisher;
import dev.trustplane.builder.ImageSpec;
import dev.trustplane.builder.ImageSpecParser;
import dev.trustplane.builder.Lockfile;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.transfer.Location;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "build", description = {
        "Build a hardened image from an image spec: Debian packages from the signed",
        "archive, no daemon, no maintainer scripts, reproducible to the byte.",
        "Produces the runtime image (TAG) and the dev variant (TAG-dev), each with",
        "CycloneDX and SPDX SBOMs attached as referrers. With --sign --key FILE every image",
        "is signed and gets SLSA v1 provenance and both SBOMs as signed attestations."})
final class BuildCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "SPEC", description = "image spec (YAML), see docs/image-spec.md")
    Path spec;

    @Option(names = "--lock", paramLabel = "FILE", description = "build exactly the packages of this lockfile"
            + " (default: SPEC.lock.json when it exists and matches the spec, else resolve now)")
    Path lock;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DEST",
            description = "oci:DIR[:TAG] or REGISTRY/REPO:TAG")
    String output;

    @Option(names = "--context", paramLabel = "DIR", description = "build context: every files: source must"
            + " lie inside it, symbolic links resolved (default: the spec's directory)")
    Path context;

    @Option(names = "--sign", description = "sign each image and attach SLSA provenance and SBOM attestations,"
            + " with --key or keylessly (--fulcio-url, --rekor-url and an identity token)")
    boolean sign;

    @Mixin
    SigningOptions signing = new SigningOptions();

    @Option(names = "--storage", paramLabel = "FORMAT", defaultValue = "both", description = StorageOption.HELP)
    StorageOption storage;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    BuildCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Location destination = ImagePublisher.checkDestination(Location.parse(output), output);
        ImageSpec parsed = ImageSpecParser.parse(spec, context);
        if (!sign && signing.requested()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--key and the keyless flags only make sense with"
                    + " --sign");
        }
        SigningOptions.Prepared signingKey = sign ? signing.prepare(ctx) : null;
        ProgressRenderer renderer = registry.renderer(ctx);
        Path cache = ImageBuilder.defaultCache(ctx.env());
        ImageBuilder builder = new ImageBuilder(cache, renderer, Clock.systemUTC(),
                Runtime.getRuntime().availableProcessors());
        ImagePublisher.Published published;
        try {
            Lockfile lockfile = Lockfile.forBuild(spec, parsed, lock, builder, ctx.err()::println);
            published = new ImagePublisher(builder, cache, () -> registry.client(ctx, renderer), registry.parallel,
                    renderer).publish(new ImagePublisher.Request(parsed, lockfile, destination,
                    ImagePublisher.tag(destination), signingKey == null ? null : signingKey::signer,
                    storage.formats(), new Main.Version().versionText()));
        } finally {
            renderer.finish();
        }
        for (BuildResult.Variant v : published.result().variants()) {
            ctx.out().println("Built " + published.prefix() + v.tag() + " (" + v.packages() + " packages, "
                    + String.join(", ", v.manifests().keySet()) + ")");
            ctx.out().println("Digest: " + v.descriptor().digest());
        }
        for (ImagePublisher.Signed s : published.signed()) {
            ctx.out().println("Signed " + s.tag() + ": " + s.stored() + " signatures and attestations (provenance,"
                    + " CycloneDX, SPDX) in " + s.store() + ", " + signingKey.describe());
        }
        return 0;
    }
}
