package dev.trustplane.cli;

import dev.trustplane.verify.SignedIdentity;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Option(names = "--signed-identity", paramLabel = "RULE", description = "also check the docker-reference each"
            + " signature signs against IMAGE, as containers/image's signedIdentity: matchRepository, matchExact,"
            + " matchRepoDigestOrExact, exactReference:REF, exactRepository:REPO or remapIdentity:PREFIX=SIGNED")
    String signedIdentity;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    VerifyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        SignedIdentity rule = signedIdentity == null ? null : SignedIdentity.parse(signedIdentity, "--signed-identity");
        return verify.run(ctx, registry, image, rule, (verifier, target) -> verifier.signatures(rule == null
                ? target.store().name() : image, target.top().digest()));
    }
}
