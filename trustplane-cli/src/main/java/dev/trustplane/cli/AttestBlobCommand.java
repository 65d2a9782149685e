package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sign.BlobSigner;
import dev.trustplane.sigstore.PredicateTypes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attest-blob", description = {
        "Attest a predicate about a file into a Sigstore bundle (v0.3): an in-toto statement whose",
        "subject is the file, in a DSSE envelope signed with a key or keylessly, as cosign",
        "attest-blob --new-bundle-format. `trustplane verify-blob-attestation` reads the result."})
final class AttestBlobCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = "the file the predicate is about")
    Path file;

    @Option(names = "--predicate", required = true, paramLabel = "FILE", description = "the predicate (JSON)")
    Path predicate;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "predicate type URI, or a cosign short name: slsaprovenance1, cyclonedx, spdxjson, …")
    String type;

    @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "where to write the bundle")
    Path bundle;

    @Mixin
    SigningOptions signing = new SigningOptions();

    AttestBlobCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        byte[] body = AttestCommand.readPredicate(predicate);
        String predicateType = PredicateTypes.resolve(type);
        if (!predicateType.contains(":")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--type " + type + " is neither a URI nor a known"
                    + " short name; pass the predicate type URI, e.g. https://slsa.dev/provenance/v1");
        }
        SigningOptions.Prepared prepared = signing.prepare(ctx);
        byte[] written = new BlobSigner(prepared.key(), prepared.keyless(), prepared.timestampServer())
                .attest(file, predicateType, body);
        SignBlobCommand.write(bundle, written);
        ctx.out().println("Attested " + predicateType + " for " + file + " → " + bundle);
        return 0;
    }
}
