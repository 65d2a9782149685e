package dev.trustplane.cli;

import dev.trustplane.build.BuildResult;
import dev.trustplane.build.EvidenceStep;
import dev.trustplane.build.ImageBuilder;
import dev.trustplane.build.ImageSpec;
import dev.trustplane.build.ImageSpecParser;
import dev.trustplane.build.Lockfile;
import dev.trustplane.build.Provenance;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.EvidenceStore;
import dev.trustplane.sign.Signer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
        Location destination = Location.parse(output);
        if (destination instanceof Location.Layout l && l.digest() != null
                || destination instanceof Location.Registry r && r.reference().digest() != null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Build output " + output + " names a digest; give "
                    + (destination instanceof Location.Layout ? "oci:DIR[:TAG]" : "REGISTRY/REPO:TAG"));
        }
        ImageSpec parsed = ImageSpecParser.parse(spec, context);
        if (!sign && signing.requested()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--key and the keyless flags only make sense with"
                    + " --sign");
        }
        SigningOptions.Prepared signingKey = sign ? signing.prepare(ctx) : null;
        Instant started = Instant.now();
        ProgressRenderer renderer = registry.renderer(ctx);
        Path cache = ImageBuilder.defaultCache(ctx.env());
        ImageBuilder builder = new ImageBuilder(cache, renderer, Clock.systemUTC(),
                Runtime.getRuntime().availableProcessors());
        try {
            Lockfile lockfile = lockfile(parsed, builder);
            if (destination instanceof Location.Layout l) {
                OciLayout layout = OciLayout.openOrCreate(l.dir());
                BuildResult result = builder.build(parsed, lockfile, layout, l.tag() == null ? "latest" : l.tag());
                report(result, "oci:" + l.dir() + ":");
                if (signingKey != null) {
                    signAll(result, parsed, lockfile, layout, started, signingKey,
                            v -> EvidenceStore.open(new Location.Layout(l.dir(), v.tag(), null), null));
                }
            } else {
                ImageReference ref = ((Location.Registry) destination).reference();
                Path temp = cache.resolve("tmp").resolve("layout-" + UUID.randomUUID());
                try {
                    OciLayout layout = OciLayout.openOrCreate(temp);
                    String tag = ref.tag() == null ? "latest" : ref.tag();
                    BuildResult result = builder.build(parsed, lockfile, layout, tag);
                    RegistryClient client = push(result, layout, temp, ref, renderer);
                    report(result, ref.registry() + "/" + ref.repository() + ":");
                    if (signingKey != null) {
                        signAll(result, parsed, lockfile, layout, started, signingKey,
                                v -> EvidenceStore.open(new Location.Registry(ref.withTag(v.tag())), client));
                    }
                } finally {
                    deleteTree(temp);
                }
            }
        } finally {
            renderer.finish();
        }
        return 0;
    }

    private Lockfile lockfile(ImageSpec parsed, ImageBuilder builder) {
        if (lock != null) {
            return Lockfile.read(lock);
        }
        Path beside = LockCommand.defaultLock(spec);
        if (Files.isRegularFile(beside)) {
            Lockfile existing = Lockfile.read(beside);
            if (existing.specSha256().equals(parsed.sha256())) {
                ctx.err().println("Using " + beside);
                return existing;
            }
            ctx.err().println(beside + " was made for another version of the spec; resolving again"
                    + " (run `trustplane lock` to update it)");
        }
        return builder.lock(parsed, null);
    }

    private void signAll(BuildResult result, ImageSpec parsed, Lockfile lockfile, OciLayout layout, Instant started,
            SigningOptions.Prepared signingKey, java.util.function.Function<BuildResult.Variant, EvidenceStore> stores) {
        Provenance.Run run = new Provenance.Run(Provenance.BUILDER_ID, new Main.Version().versionText(),
                UUID.randomUUID().toString(), started, Instant.now());
        for (BuildResult.Variant v : result.variants()) {
            EvidenceStore store = stores.apply(v);
            Signer signer = signingKey.signer(store);
            List<Signer.Stored> stored = new EvidenceStep(signer, parsed, lockfile, run, layout, storage.formats())
                    .run(v);
            ctx.out().println("Signed " + v.tag() + ": " + stored.size() + " signatures and attestations (provenance,"
                    + " CycloneDX, SPDX) in " + store.name() + ", " + signingKey.describe());
        }
    }

    private RegistryClient push(BuildResult result, OciLayout layout, Path dir, ImageReference ref,
            ProgressRenderer renderer) {
        RegistryClient client = registry.client(ctx, renderer);
        ImageCopier copier = new ImageCopier(client, renderer, registry.parallel);
        for (BuildResult.Variant v : result.variants()) {
            copier.copy(new Location.Layout(dir, v.tag(), null), new Location.Registry(ref.withTag(v.tag())));
            for (Descriptor sbom : v.sboms()) {
                RawManifest raw = layout.readManifest(sbom);
                var manifest = (dev.trustplane.oci.ImageManifest) raw.parse();
                for (Descriptor blob : java.util.List.of(manifest.config(), manifest.layers().get(0))) {
                    client.pushBlob(ref, blob, layout.blobPath(blob.digest()));
                }
                client.pushReferrer(ref, raw);
            }
        }
        return client;
    }

    private void report(BuildResult result, String prefix) {
        for (BuildResult.Variant v : result.variants()) {
            ctx.out().println("Built " + prefix + v.tag() + " (" + v.packages() + " packages, "
                    + String.join(", ", v.manifests().keySet()) + ")");
            ctx.out().println("Digest: " + v.descriptor().digest());
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException ignored) {
                    // best effort for a temporary directory
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
