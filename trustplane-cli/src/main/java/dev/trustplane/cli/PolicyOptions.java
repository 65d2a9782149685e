package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How policies are read: the default trusted root keyless attestors and Rekor checks use. */
final class PolicyOptions {
    @Option(names = "--trusted-root", paramLabel = "FILE",
            description = "trusted_root.json (Fulcio CAs, Rekor and CT log keys, timestamp authorities) for keyless"
                    + " attestors without roots and for transparency-log checks without rekor.pubkey; default: the"
                    + " Sigstore public-good root embedded in Trustplane, as Kyverno and cosign trust by default")
    Path trustedRoot;

    PolicyLoader loader() {
        if (trustedRoot == null) {
            byte[] bytes = TrustedRoot.publicGoodBytes();
            return new PolicyLoader(TrustedRoot.parse(bytes, "the embedded Sigstore public-good trusted root"), bytes);
        }
        try {
            if (Files.size(trustedRoot) > TrustedRoot.MAX_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "--trusted-root " + trustedRoot + " has "
                        + Files.size(trustedRoot) + " bytes, more than the " + TrustedRoot.MAX_BYTES + " accepted");
            }
            byte[] bytes = Files.readAllBytes(trustedRoot);
            return new PolicyLoader(TrustedRoot.parse(bytes, trustedRoot.toString()), bytes);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "--trusted-root " + trustedRoot + " does not exist");
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read --trusted-root " + trustedRoot + ": " + e.getMessage());
        }
    }
}
