package dev.trustplane.debian;

import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A clear-signed InRelease checked against Debian's real archive keyring. Mutations of the real
 * bookworm-security InRelease must be refused unless the text that comes out is exactly the text
 * Debian signed: an accepted text nobody signed would let a mirror serve anything.
 */
public final class InReleaseFuzzer {
    private static final Instant AT = Instant.parse("2026-11-22T00:00:00Z");
    private static final ArchiveKeyring KEYRING = ArchiveKeyring.load(ArchiveKeyring.DEBIAN_DEFAULT);
    private static final String SIGNED;

    static {
        try {
            SIGNED = KEYRING.verify(real(), "InRelease", AT);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private InReleaseFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String text;
        try {
            text = KEYRING.verify(data, "fuzz/InRelease", AT);
        } catch (TrustplaneException refused) {
            return;
        }
        if (!text.equals(SIGNED)) {
            throw new IllegalStateException("accepted a text Debian did not sign (" + text.length() + " chars)");
        }
    }

    static byte[] real() throws IOException {
        try (InputStream in = InReleaseFuzzer.class.getResourceAsStream("/debian/real-bookworm-security/InRelease")) {
            return in.readAllBytes();
        }
    }

    public static List<byte[]> seeds() throws IOException {
        byte[] real = real();
        return List.of(real, Arrays.copyOf(real, real.length / 2));
    }
}
