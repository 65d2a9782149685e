package dev.trustplane.cli;

import dev.trustplane.config.Directories;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.trust.TufClient;
import dev.trustplane.trust.TufMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", description = {
        "Update the Sigstore trusted root (trusted_root.json) through TUF from a mirror: a directory (a copy",
        "for an air-gapped cluster) or an http(s) URL. Every root version is verified against the one before,",
        "then timestamp, snapshot, targets and the target itself; older metadata than trusted before is",
        "refused. Verbs without --trusted-root then use this root instead of the embedded one."})
final class TrustInitCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--mirror", required = true, paramLabel = "DIR|URL",
            description = "the TUF repository: a directory or an http(s) base URL")
    String mirror;

    @Option(names = "--root", paramLabel = "FILE", description = "the repository's initial root.json, obtained out of"
            + " band: starts the chain of trust afresh (default: continue from the root trusted on this machine)")
    Path root;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "also write the verified trusted_root.json"
            + " here")
    Path output;

    TrustInitCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** Where `trust init` keeps the verified TUF metadata and the trusted root. */
    static Path stateDir(CliContext ctx) {
        return Directories.data(ctx.env()).resolve("tuf");
    }

    @Override
    public Integer call() {
        byte[] bootstrap = null;
        if (root != null) {
            if (!Files.isRegularFile(root)) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "--root " + root + " does not exist; give the TUF"
                        + " repository's initial root.json (for Sigstore's public-good instance, the root.json"
                        + " published with sigstore/root-signing)");
            }
            try {
                if (Files.size(root) > 512_000) {
                    throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "--root " + root + " has more than"
                            + " 512000 bytes; it is not a TUF root");
                }
                bootstrap = Files.readAllBytes(root);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read --root " + root + ": " + e.getMessage(), e);
            }
        }
        TufClient.Result r = new TufClient(TufMirror.of(mirror), stateDir(ctx), Instant.now())
                .update(bootstrap, root == null ? null : root.toString());
        if (output != null) {
            try {
                AtomicFiles.write(output, Files.readAllBytes(r.trustedRoot()));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot write " + output + ": " + e.getMessage(), e);
            }
        }
        ctx.out().println("Trusted root updated through TUF from " + mirror + ": root v" + r.rootVersion()
                + (r.rotations() == 0 ? "" : " (" + r.rotations() + (r.rotations() == 1 ? " rotation" : " rotations")
                + " verified)") + ", timestamp v" + r.timestampVersion() + ", snapshot v" + r.snapshotVersion()
                + ", targets v" + r.targetsVersion() + "; metadata valid until " + r.expires());
        ctx.out().println("trusted_root.json sha256:" + r.sha256() + " in " + r.trustedRoot()
                + (output == null ? "" : " and " + output));
        ctx.out().println("Verbs without --trusted-root now use it; run `trustplane trust init --mirror " + mirror
                + "` again before " + r.expires() + " to keep it fresh.");
        return 0;
    }
}
