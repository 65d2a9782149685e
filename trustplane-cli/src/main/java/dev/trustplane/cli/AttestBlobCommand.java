package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sign.BlobSigner;
import dev.trustplane.sigstore.PredicateTypes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "attest-blob", description = {
        "Attest a predicate about a file into a Sigstore bundle (v0.3): an in-toto statement whose",
        "subject is the file, in a DSSE envelope signed with a key or keylessly, as cosign",
        "attest-blob --new-bundle-format; or, with --payload-type, a DSSE envelope over the file itself.",
        "`trustplane verify-blob-attestation` reads the result."})
final class AttestBlobCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = "the file the predicate is about")
    Path file;

    @Option(names = "--predicate", paramLabel = "FILE", description = "the predicate (JSON)")
    Path predicate;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "predicate type URI, or a cosign short name: slsaprovenance1, cyclonedx, spdxjson, …")
    String type;

    @Option(names = "--payload-type", paramLabel = "MEDIA_TYPE", description = "instead of --type and --predicate:"
            + " sign FILE itself as the DSSE payload of this type (e.g. application/vnd.cyclonedx+json; key-based)")
    String payloadType;

    @Spec
    CommandSpec spec;

    @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "where to write the bundle")
    Path bundle;

    @Mixin
    SigningOptions signing = new SigningOptions();

    AttestBlobCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (payloadType != null) {
            if (type != null || predicate != null) {
                throw new ParameterException(spec.commandLine(), "--payload-type signs FILE itself; it does not go with"
                        + " --type and --predicate, which make an in-toto statement about FILE");
            }
            SigningOptions.Prepared prepared = signing.prepare(ctx);
            byte[] written = new BlobSigner(prepared.key(), prepared.keyless(), prepared.timestampServer())
                    .attestPayload(file, payloadType);
            SignBlobCommand.write(bundle, written);
            ctx.out().println("Signed " + file + " as a DSSE payload of type " + payloadType + " → " + bundle);
            return 0;
        }
        if (type == null || predicate == null) {
            throw new ParameterException(spec.commandLine(), "Give --type TYPE and --predicate FILE (an in-toto"
                    + " statement about FILE), or --payload-type MEDIA_TYPE (FILE itself as the signed payload)");
        }
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
