package dev.trustplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sign.Signer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attest", description = {
        "Attach a signed in-toto Statement v1 (DSSE) about an image: under the sha256-<hex>.att tag",
        "and as a Sigstore bundle referrer (both by default). `cosign verify-attestation --type` and",
        "`trustplane verify-attestation` read it."})
final class AttestCommand implements Callable<Integer> {
    /** Predicates are documents (SBOMs included), not archives: 64 MiB is far above any real one. */
    static final long MAX_PREDICATE_BYTES = 64L << 20;

    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "REGISTRY/REPO[:TAG][@DIGEST] or oci:DIR[:TAG]")
    String image;

    @Mixin
    SigningOptions signing = new SigningOptions();

    @Option(names = "--predicate", required = true, paramLabel = "FILE", description = "the predicate (JSON)")
    Path predicate;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "predicate type URI, or a cosign short name: slsaprovenance1, cyclonedx, spdxjson,"
                    + " openvex, vulns, custom …")
    String type;

    @Option(names = "--storage", paramLabel = "FORMAT", defaultValue = "both", description = StorageOption.HELP)
    StorageOption storage;

    @Option(names = {"-r", "--recursive"}, description = "for an index, also attest each platform manifest")
    boolean recursive;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    AttestCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        byte[] body = readPredicate(predicate);
        String predicateType = PredicateTypes.resolve(type);
        if (!predicateType.contains(":")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--type " + type + " is neither a URI nor a known"
                    + " short name; pass the predicate type URI, e.g. https://slsa.dev/provenance/v1");
        }
        SigningOptions.Prepared prepared = signing.prepare(ctx);
        ProgressRenderer renderer = registry.renderer(ctx);
        try {
            RegistryClient client = registry.client(ctx, renderer);
            SigningTarget target = SigningTarget.resolve(image, client);
            Signer signer = prepared.signer(target.store());
            for (Descriptor d : target.subjects(recursive)) {
                for (Signer.Stored s : signer.attest(d, predicateType, body, storage.formats())) {
                    ctx.out().println("Attested " + predicateType + " for " + target.pinned(d) + " → "
                            + (s.format() == Signer.Format.TAG ? "tag " + s.where() : "bundle referrer " + s.where()));
                }
            }
        } finally {
            renderer.finish();
        }
        return 0;
    }

    static byte[] readPredicate(Path file) {
        try {
            if (Files.size(file) > MAX_PREDICATE_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Predicate " + file + " has more than "
                        + MAX_PREDICATE_BYTES + " bytes (limit max-predicate-bytes)");
            }
            byte[] bytes = Files.readAllBytes(file);
            JsonNode node = Json.mapper().readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Predicate " + file + " is not a JSON object;"
                        + " an in-toto predicate must be one");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Predicate file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Predicate " + file + " is not JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read predicate " + file + ": " + e.getMessage(), e);
        }
    }
}
