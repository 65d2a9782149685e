package dev.trustplane.cli;

import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.verify.BlobVerifier;
import dev.trustplane.verify.VerificationReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify-blob-attestation", description = {
        "Verify a file against a Sigstore bundle holding an in-toto attestation of a given type, as",
        "cosign verify-blob-attestation --bundle: the statement must name the file as a subject. Offline.",
        "Exit 12 when it does not verify."})
final class VerifyBlobAttestationCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = "the file the attestation is about")
    Path file;

    @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "the Sigstore bundle")
    Path bundle;

    @Option(names = "--type", paramLabel = "TYPE", required = true,
            description = "predicate type: a URI, or cosign's short names (slsaprovenance1, cyclonedx, spdxjson, …);"
                    + " for an envelope over the file itself (attest-blob --payload-type), its payload type")
    String type;

    @Mixin
    VerifyOptions verify = new VerifyOptions();

    VerifyBlobAttestationCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        VerificationReport report = BlobVerifier.verify(file, bundle, verify.trust(ctx).withRevocations(
                VerifyOptions.revoked(ctx)), PredicateTypes.resolve(type));
        return VerificationOutput.print(report, verify.output, ctx);
    }
}
