package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", description = {
        "Make an ECDSA P-256 key pair in cosign's format: PREFIX.key (encrypted with scrypt and",
        "NaCl secretbox, PEM type ENCRYPTED SIGSTORE PRIVATE KEY, mode 0600) and PREFIX.pub.",
        "The password comes from TRUSTPLANE_PASSWORD or COSIGN_PASSWORD, else a prompt."})
final class KeygenCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--output-key-prefix", paramLabel = "PREFIX", defaultValue = "cosign",
            description = "file name prefix (default: ${DEFAULT-VALUE}: cosign.key and cosign.pub)")
    String prefix;

    @Option(names = {"-f", "--force"}, description = "overwrite existing key files")
    boolean force;

    KeygenCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Path priv = Path.of(prefix + ".key");
        Path pub = Path.of(prefix + ".pub");
        for (Path p : new Path[] {priv, pub}) {
            if (Files.exists(p) && !force) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, p + " already exists; pass --force to"
                        + " overwrite it or --output-key-prefix to write elsewhere");
            }
        }
        char[] password = KeyPasswords.password(ctx).get("Enter password for the new private key: ");
        SigningKey key = Keys.generate();
        String pem = Keys.encrypt(key, password);
        Arrays.fill(password, '\0');
        try {
            AtomicFiles.writePrivate(priv, pem.getBytes(StandardCharsets.US_ASCII));
            AtomicFiles.write(pub, Keys.publicPem(key.publicKey()).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // never leave half a pair: a private key without its public key (or an old public key) misleads
            try {
                Files.deleteIfExists(priv);
            } catch (IOException ignored) {
                // reported below
            }
            throw new TrustplaneException(ErrorKind.IO, "Cannot write the key pair " + priv + " / " + pub + ": "
                    + e.getMessage() + "; check that the directory is writable", e);
        }
        ctx.out().println("Private key written to " + priv);
        ctx.out().println("Public key written to " + pub + " (hint " + key.hint() + ")");
        return 0;
    }
}
