package dev.trustplane.cli;

import dev.trustplane.config.Env;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.verify.TrustSpec;
import java.io.Console;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;

/** Key files and their passwords: TRUSTPLANE_PASSWORD, then COSIGN_PASSWORD, then a prompt on a terminal. */
final class KeyPasswords {

    private KeyPasswords() {
    }

    static Keys.Password password(CliContext ctx) {
        return prompt -> {
            var env = Env.TRUSTPLANE_PASSWORD.read(ctx.env()).or(() -> Env.COSIGN_PASSWORD.read(ctx.env()));
            if (ctx.env().containsKey(Env.TRUSTPLANE_PASSWORD.name()) && env.isEmpty()) {
                return new char[0];
            }
            if (env.isPresent()) {
                return env.get().toCharArray();
            }
            if (ctx.env().containsKey(Env.COSIGN_PASSWORD.name())) {
                return new char[0];
            }
            Console console = System.console();
            if (!ctx.interactive() || console == null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The private key is encrypted and there is no"
                        + " terminal to ask for its password: set TRUSTPLANE_PASSWORD (or COSIGN_PASSWORD)");
            }
            char[] pw = console.readPassword("%s", prompt);
            return pw == null ? new char[0] : pw;
        };
    }

    static SigningKey privateKey(CliContext ctx, Path file) {
        return Keys.readPrivate(read(file, "private key"), file.toString(), password(ctx));
    }

    static List<PublicKey> publicKeys(List<Path> files) {
        return TrustSpec.publicKeys(files);
    }

    static byte[] read(Path file, String what) {
        return TrustSpec.readKeyFile(file, what);
    }
}
