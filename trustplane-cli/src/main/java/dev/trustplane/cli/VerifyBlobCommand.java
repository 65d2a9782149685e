package dev.trustplane.cli;

import dev.trustplane.oci.Digest;
import dev.trustplane.verify.BlobVerifier;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import java.nio.file.Files;
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

    @Parameters(index = "0", paramLabel = "FILE", description = "the signed file, or its digest sha256:HEX (when no"
            + " file has that name), as the sigstore-conformance protocol passes it")
    String file;

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
        Trust trust = verify.trust().withRevocations(VerifyOptions.revoked(ctx));
        VerificationReport report = file.matches("sha256:[0-9a-f]{64}") && !Files.exists(Path.of(file))
                ? BlobVerifier.verify(Digest.parse(file), file, bundle, trust, null)
                : BlobVerifier.verify(Path.of(file), bundle, trust, null);
        return VerificationOutput.print(report, verify.output, ctx);
    }
}
