package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.sign.BlobSigner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign-blob", description = {
        "Sign a file into a Sigstore bundle (v0.3), as cosign sign-blob --new-bundle-format: a message",
        "signature over its SHA-256, with a key or keylessly (Fulcio certificate, Rekor entry).",
        "cosign verify-blob --bundle and `trustplane verify-blob` read the result."})
final class SignBlobCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = "the file to sign")
    Path file;

    @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "where to write the bundle")
    Path bundle;

    @Mixin
    SigningOptions signing = new SigningOptions();

    SignBlobCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        SigningOptions.Prepared prepared = signing.prepare(ctx);
        byte[] written = new BlobSigner(prepared.key(), prepared.keyless(), prepared.timestampServer()).sign(file);
        write(bundle, written);
        ctx.out().println("Signed " + file + " → " + bundle);
        return 0;
    }

    /** Writes a bundle whole or not at all. */
    static void write(Path bundle, byte[] content) {
        try {
            AtomicFiles.write(bundle, content);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write bundle " + bundle + ": " + e.getMessage(), e);
        }
    }
}
