package dev.trustplane.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TUF repositories written at test time by tuf-js's metadata model ({@code @tufjs/models}, npm,
 * installed by scripts/install-peers into .peers/sigstore-mock) — root rotation, thresholds,
 * ed25519 and ECDSA keys, consistent snapshots — intact or spoilt by a named attack (see
 * tuf-repo.js); and tuf-js's own client ({@code Updater}) as the reference verdict on them.
 */
public final class TufRepoPeer {
    /** Every attack tuf-repo.js knows, each of which a TUF client must refuse. */
    public static final List<String> ATTACKS = List.of("tampered-target", "expired-timestamp", "root-not-cross-signed",
            "targets-below-threshold", "targets-duplicate-signature", "snapshot-hash-mismatch", "timestamp-wrong-key",
            "expired-root");

    private TufRepoPeer() {
    }

    /** Writes a repository serving {@code target} as trusted_root.json into {@code out}; {@code attack} may be "none". */
    public static Path write(Path out, Path target, String attack) {
        ProcessRunner.Result r = node("tuf-repo.js", List.of(out.toString(), target.toString(), attack), out.getParent());
        r.requireSuccess(List.of("node tuf-repo.js", out.toString(), attack));
        return out;
    }

    /** tuf-js's verdict on the repository served at {@code baseUrl}: exit 0 when it accepted it. */
    public static ProcessRunner.Result tufJs(String baseUrl, Path root, Path cacheDir) {
        return node("tuf-fetch.js", List.of(baseUrl, baseUrl + "/targets", root.toString(), cacheDir.toString()),
                cacheDir.getParent());
    }

    private static ProcessRunner.Result node(String script, List<String> args, Path workDir) {
        Path modules = Peers.peersDir().resolve("sigstore-mock/node_modules");
        if (!Files.isDirectory(modules.resolve("tuf-js"))) {
            throw new AssertionError("The npm package tuf-js is not installed in " + modules
                    + ". Run scripts/install-peers (scripts/test runs it first)");
        }
        try {
            Files.createDirectories(workDir);
            Path file = workDir.resolve(script);
            try (InputStream in = TufRepoPeer.class.getResourceAsStream(script)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> cmd = new ArrayList<>(List.of(Peers.require("node").toString(), file.toString()));
            cmd.addAll(args);
            return ProcessRunner.run(cmd, Map.of("NODE_PATH", modules.toString()), 120, workDir);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script + ": " + e.getMessage(), e);
        }
    }
}
