package dev.trustplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "verify", description = {
        "Find every signature of an image digest — cosign .sig tag, cosign OCI 1.1 referrers, Sigstore",
        "bundle referrers (referrers API or fallback tag) — and verify each against the given keys.",
        "Prints each signature with the stage that failed; exit 12 when none verifies."})
final class VerifyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "REGISTRY/REPO[:TAG][@DIGEST] or oci:DIR[:TAG]")
    String image;

    @Mixin
    VerifyOptions verify = new VerifyOptions();

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    VerifyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return verify.run(ctx, registry, image, (verifier, target) -> verifier.signatures(target.store().name(),
                target.top().digest()));
    }
}
