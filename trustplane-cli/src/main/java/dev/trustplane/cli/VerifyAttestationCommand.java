package dev.trustplane.cli;

import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sign.Trust;
import dev.trustplane.sign.VerificationReport;
import dev.trustplane.sign.Verifier;
import dev.trustplane.sign.VerifierLimits;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify-attestation", description = {
        "Find every attestation of an image digest (cosign .att tag, bundle referrers) and verify",
        "each: signature, in-toto statement, subject digest, predicate type (--type). With -o json",
        "the verified statements are printed. Exit 12 when none verifies."})
final class VerifyAttestationCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "REGISTRY/REPO[:TAG][@DIGEST] or oci:DIR[:TAG]")
    String image;

    @Option(names = "--type", paramLabel = "TYPE", description = "required predicate type: a URI or a cosign short"
            + " name (slsaprovenance1, cyclonedx, spdxjson, openvex, vulns …); default: any")
    String type;

    @Mixin
    VerifyOptions verify = new VerifyOptions();

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    VerifyAttestationCommand(CliContext ctx) {
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
            report = new Verifier(target.store(), trust, VerifierLimits.DEFAULT).attestations(target.store().name(),
                    target.top().digest(), type);
        } finally {
            renderer.finish();
        }
        return VerificationOutput.print(report, verify.output, ctx);
    }
}
