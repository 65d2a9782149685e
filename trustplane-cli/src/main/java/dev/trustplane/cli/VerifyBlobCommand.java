package dev.trustplane.cli;

import dev.trustplane.oci.Digest;
import dev.trustplane.verify.BlobVerifier;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify-blob", description = {
        "Verify a file against a Sigstore bundle, as cosign verify-blob --bundle: the bundle's signature",
        "must sign the file (a DSSE bundle's statement must name it as a subject), with its log entry,",
        "timestamps, certificate and identity checked as for images. Offline. Exit 12 when it does not verify."})
final class VerifyBlobCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = "the signed file, or its digest sha256:HEX (when no"
            + " file has that name), as the sigstore-conformance protocol passes it")
    String file;

    @Option(names = "--bundle", paramLabel = "FILE",
            description = "the Sigstore bundle (v0.1-v0.3, as cosign sign-blob --new-bundle-format and"
                    + " trustplane sign-blob write it)")
    Path bundle;

    @Option(names = "--signature", paramLabel = "FILE", description = "instead of --bundle: the detached signature"
            + " (base64 or raw, as cosign sign-blob --output-signature writes it); no log entry comes with it, so"
            + " pass --insecure-ignore-tlog")
    Path signature;

    @Option(names = "--certificate", paramLabel = "FILE", description = "with --signature: the signing certificate"
            + " (PEM, or base64 of PEM as cosign sign-blob --output-certificate writes it)")
    Path certificate;

    @Spec
    CommandSpec spec;

    @Mixin
    VerifyOptions verify = new VerifyOptions();

    VerifyBlobCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if ((bundle == null) == (signature == null)) {
            throw new ParameterException(spec.commandLine(), "Give the signature as --bundle FILE or as --signature FILE"
                    + " (with --certificate FILE when signed keylessly), not " + (bundle == null ? "neither" : "both"));
        }
        if (certificate != null && signature == null) {
            throw new ParameterException(spec.commandLine(), "--certificate goes with --signature; a bundle carries"
                    + " its own certificate");
        }
        Trust trust = verify.trust(ctx).withRevocations(VerifyOptions.revoked(ctx));
        if (signature != null) {
            return VerificationOutput.print(BlobVerifier.verifyDetached(Path.of(file), signature, certificate, trust),
                    verify.output, ctx);
        }
        VerificationReport report = file.matches("sha256:[0-9a-f]{64}") && !Files.exists(Path.of(file))
                ? BlobVerifier.verify(Digest.parse(file), file, bundle, trust, null)
                : BlobVerifier.verify(Path.of(file), bundle, trust, null);
        return VerificationOutput.print(report, verify.output, ctx);
    }
}
