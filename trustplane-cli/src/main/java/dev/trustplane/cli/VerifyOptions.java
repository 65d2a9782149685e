package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sign.Trust;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The trust flags verify and verify-attestation share, named as cosign names them. */
final class VerifyOptions {
    enum Output { TEXT, JSON }

    @Option(names = "--key", paramLabel = "FILE", description = "trusted public key (PEM; repeatable)")
    List<Path> keys = new ArrayList<>();

    @Option(names = "--insecure-ignore-tlog", description = "accept signatures without checking a transparency-log"
            + " entry (needed for key-based signatures kept off the log, as cosign's --tlog-upload=false makes)")
    boolean ignoreTlog;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE})")
    Output output;

    Trust trust() {
        if (keys.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Nothing to verify against: pass --key FILE with"
                    + " the signer's public key (e.g. cosign.pub)");
        }
        return Trust.keys(KeyPasswords.publicKeys(keys), ignoreTlog);
    }
}
