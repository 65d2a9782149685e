package dev.trustplane.cli;

import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sign.Trust;
import dev.trustplane.sign.VerificationReport;
import dev.trustplane.sign.Verifier;
import dev.trustplane.sign.VerifierLimits;
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
        Trust trust = verify.trust();
        ProgressRenderer renderer = registry.renderer(ctx);
        VerificationReport report;
        try {
            RegistryClient client = registry.client(ctx, renderer);
            SigningTarget target = SigningTarget.resolve(image, client);
            report = new Verifier(target.store(), trust, VerifierLimits.DEFAULT).signatures(target.store().name(),
                    target.top().digest());
        } finally {
            renderer.finish();
        }
        return VerificationOutput.print(report, verify.output, ctx);
    }
}
