package dev.trustplane.cli;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sign.Signer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", description = {
        "Sign an image digest as cosign does, with a key or keylessly (Fulcio certificate, Rekor",
        "entry): the simple-signing payload under the sha256-<hex>.sig tag and a Sigstore bundle",
        "referrer (both by default; see --storage).",
        "cosign verify --key, Kyverno verifyImages and `trustplane verify` read the result."})
final class SignCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "REGISTRY/REPO[:TAG][@DIGEST] or oci:DIR[:TAG]")
    String image;

    @Mixin
    SigningOptions signing = new SigningOptions();

    @Option(names = {"-a", "--annotations"}, paramLabel = "KEY=VALUE",
            description = "signed annotation in the payload's optional section (repeatable)")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Option(names = "--storage", paramLabel = "FORMAT", defaultValue = "both", description = StorageOption.HELP)
    StorageOption storage;

    @Option(names = {"-r", "--recursive"}, description = "for an index, also sign each platform manifest")
    boolean recursive;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    SignCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        SigningOptions.Prepared prepared = signing.prepare(ctx);
        ProgressRenderer renderer = registry.renderer(ctx);
        try {
            RegistryClient client = registry.client(ctx, renderer);
            SigningTarget target = SigningTarget.resolve(image, client);
            Signer signer = prepared.signer(target.store());
            for (Descriptor d : target.subjects(recursive)) {
                for (Signer.Stored s : signer.sign(d, annotations, storage.formats())) {
                    ctx.out().println("Signed " + target.pinned(d) + " → " + (s.format() == Signer.Format.TAG
                            ? "tag " + s.where() : "bundle referrer " + s.where()));
                }
            }
        } finally {
            renderer.finish();
        }
        return 0;
    }
}
