package dev.trustplane.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the real peer programs the integration tests run. A missing peer fails the test loudly
 * with the way to install it; nothing is ever skipped.
 */
public final class Peers {
    private Peers() {
    }

    /** Where scripts/install-peers puts programs that Debian bookworm lacks (oras, cosign from trixie). */
    public static Path peersDir() {
        String configured = System.getProperty("trustplane.peers.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return (dir == null ? Path.of("") : dir).resolve(".peers");
    }

    /** The path of {@code program}, from the peers directory or the PATH. */
    public static Path require(String program) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(peersDir().resolve("root/usr/bin").resolve(program));
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            candidates.add(Path.of(dir, program));
        }
        candidates.add(Path.of("/usr/sbin", program));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("The peer program \"" + program + "\" is not installed. Run scripts/install-peers"
                + " (scripts/test runs it first); it installs the Debian packages docker-registry, skopeo,"
                + " apache2-utils, mmdebstrap, nodejs, fetches oras, cosign, sigstore-go and rekor from Debian trixie and"
                + " trivy and @sigstore/mock from npm into " + peersDir());
    }
}
