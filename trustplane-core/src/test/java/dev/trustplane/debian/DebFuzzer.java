package dev.trustplane.debian;

import dev.trustplane.error.TrustplaneException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A .deb as a mirror might serve it: ar members, control and data tars under gzip, xz, zstd or
 * none. Reading it either throws the documented IOException (turned into "not a valid .deb" by
 * every caller) or a refusal, or visits its entries; nothing else escapes.
 */
public final class DebFuzzer {
    private DebFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            DebFile.read(new ByteArrayInputStream(data), "fuzz.deb", (entry, content) -> {
                if (entry.path() == null) {
                    throw new IllegalStateException("an entry without a name");
                }
                content.transferTo(OutputStream.nullOutputStream());
            });
        } catch (IOException | TrustplaneException refused) {
            // refused with a message
        }
    }

    public static List<byte[]> seeds() {
        return List.of(TestArchive.deb("bash", "5.2.15-2+b2", "amd64").bytes(),
                TestArchive.deb("libc6", "2.36-9+deb12u4", "all").bytes());
    }
}
