package dev.trustplane.oci;

import dev.trustplane.error.TrustplaneException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Image references: refused with a message, or normalised to a form that parses to itself. */
public final class ImageReferenceFuzzer {
    private ImageReferenceFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        ImageReference ref;
        try {
            ref = ImageReference.parse(text);
        } catch (TrustplaneException refused) {
            return;
        }
        ImageReference again = ImageReference.parse(ref.toString());
        if (!again.equals(ref) || !again.toString().equals(ref.toString())) {
            throw new IllegalStateException("'" + text + "' normalises to " + ref + ", which parses to " + again);
        }
        try {
            ImageReference.parseRepository(text);
        } catch (TrustplaneException refused) {
            // a reference with a tag or digest is not a repository
        }
    }

    public static List<byte[]> seeds() {
        return List.of("nginx", "docker.io/library/nginx:1.27", "localhost:5000/team/app:v1@sha256:"
                + "a".repeat(64), "[::1]:5000/x/y@sha256:" + "0".repeat(64), "ghcr.io/o/r:tag_1.2-3",
                "registry.example.com/a/b/c/d:latest").stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
