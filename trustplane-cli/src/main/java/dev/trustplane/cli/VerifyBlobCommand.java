package dev.trustplane.cli;

import dev.trustplane.verify.BlobVerifier;
import dev.trustplane.verify.VerificationReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify-blob", description = {
        "Verify a file against a Sigstore bundle, as cosign verify-blob --bundle: the bundle's signature",
        "must sign the file (a DSSE bundle's statement must name it as a subject), with its log entry,",
        "timestamps, certificate and identity checked as for images. Offline. Exit 12 when it does not verify."})
final class VerifyBlobCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = "the signed file")
    Path file;

    @Option(names = "--bundle", paramLabel = "FILE", required = true,
            description = "the Sigstore bundle (v0.1-v0.3, as cosign sign-blob --new-bundle-format and"
                    + " trustplane sign-blob write it)")
    Path bundle;

    @Mixin
    VerifyOptions verify = new VerifyOptions();

    VerifyBlobCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        VerificationReport report = BlobVerifier.verify(file, bundle, verify.trust().withRevocations(
                VerifyOptions.revoked(ctx)), null);
        return VerificationOutput.print(report, verify.output, ctx);
    }
}
