package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.trust.TufClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How policies are read: the default trusted root keyless attestors and Rekor checks use. */
final class PolicyOptions {
    @Option(names = "--trusted-root", paramLabel = "FILE",
            description = "trusted_root.json (Fulcio CAs, Rekor and CT log keys, timestamp authorities) for keyless"
                    + " attestors without roots and for transparency-log checks without rekor.pubkey; default: the root"
                    + " `trust init` verified through TUF, else the Sigstore public-good root embedded in Trustplane,"
                    + " as Kyverno and cosign trust by default")
    Path trustedRoot;

    PolicyLoader loader(CliContext ctx) {
        Path tuf = trustedRoot != null ? null : TufClient.trustedRoot(TrustInitCommand.stateDir(ctx)).orElse(null);
        if (tuf != null) {
            return read(tuf, "the trusted root `trust init` verified (" + tuf + ")");
        }
        if (trustedRoot == null) {
            byte[] bytes = TrustedRoot.publicGoodBytes();
            return new PolicyLoader(TrustedRoot.parse(bytes, "the embedded Sigstore public-good trusted root"), bytes);
        }
        return read(trustedRoot, "--trusted-root " + trustedRoot);
    }

    private static PolicyLoader read(Path file, String what) {
        try {
            if (Files.size(file) > TrustedRoot.MAX_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, what + " has " + Files.size(file)
                        + " bytes, more than the " + TrustedRoot.MAX_BYTES + " accepted");
            }
            byte[] bytes = Files.readAllBytes(file);
            return new PolicyLoader(TrustedRoot.parse(bytes, file.toString()), bytes);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, what + " does not exist");
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + what + ": " + e.getMessage());
        }
    }
}
