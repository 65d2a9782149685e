package dev.trustplane.cli;

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
        return verify.run(ctx, registry, image, (verifier, target) -> verifier.attestations(
                target.store().name(), target.top().digest(), type));
    }
}
