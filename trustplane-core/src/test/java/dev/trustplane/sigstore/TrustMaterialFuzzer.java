package dev.trustplane.sigstore;

import dev.trustplane.debian.ArchiveKeyring;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fuzz.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a user hands over as trust material: the first byte picks the reader — a public key file
 * (PEM: ECDSA, RSA, Ed25519), a private key file (PEM or cosign-encrypted; the password is wrong),
 * a Sigstore trusted_root.json, PEM blocks, or an OpenPGP archive keyring. Each refuses with a
 * message naming the file, or reads it; nothing else escapes.
 */
public final class TrustMaterialFuzzer {
    private TrustMaterialFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] file = Arrays.copyOfRange(data, 1, data.length);
        try {
            switch ((data[0] & 0xff) % 5) {
                case 0 -> Keys.readPublic(file, "fuzz.pub");
                case 1 -> Keys.readPrivate(file, "fuzz.key", prompt -> "wrong".toCharArray());
                case 2 -> TrustedRoot.parse(file, "fuzz/trusted_root.json");
                case 3 -> Pem.decode(new String(file, StandardCharsets.UTF_8), "fuzz.pem");
                default -> ArchiveKeyring.parse(file, "fuzz.gpg");
            }
        } catch (TrustplaneException refused) {
            // refused with a message
        }
    }

    public static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String pub : List.of("/sign/rsa.pub", "/sign/ed25519.pub", "/sign/sec1.pub", "/sign/cosign-pw.pub")) {
            seeds.add(Fixtures.prefixed(0, Fixtures.resource(pub)));
            seeds.add(Fixtures.prefixed(3, Fixtures.resource(pub)));
        }
        for (String key : List.of("/sign/rsa.pem", "/sign/ed25519.pem", "/sign/sec1.pem", "/sign/pkcs8.pem")) {
            seeds.add(Fixtures.prefixed(1, Fixtures.resource(key)));
        }
        seeds.add(Fixtures.prefixed(2, Fixtures.resource("/sign/keyless/trusted_root.json")));
        seeds.add(Fixtures.prefixed(2, Fixtures.resource("/dev/trustplane/sigstore/public-good-trusted_root.json")));
        try {
            // Debian's real bookworm stable key (280 bytes), as the machine's keyring package ships it
            seeds.add(Fixtures.prefixed(4, Files.readAllBytes(Path.of("/usr/share/keyrings/debian-archive-bookworm-stable.gpg"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seeds;
    }

}
