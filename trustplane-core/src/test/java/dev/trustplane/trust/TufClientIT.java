package dev.trustplane.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.testkit.ProcessRunner;
import dev.trustplane.testkit.TufRepoPeer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TUF client against repositories tuf-js's metadata model writes at test time (root rotation
 * with thresholds, ed25519 and ECDSA keys, consistent snapshots), from a directory and over HTTP,
 * with tuf-js's own client as the reference verdict: the intact repository is accepted by both,
 * every attack refused by both, and a refused update leaves no trusted root behind.
 */
class TufClientIT {
    static final Path TARGET = Path.of("src/main/resources/dev/trustplane/sigstore/public-good-trusted_root.json")
            .toAbsolutePath();

    @TempDir
    Path dir;

    private static HttpServer serve(Path root) {
        HttpServer server = SimpleFileServer.createFileServer(new InetSocketAddress("127.0.0.1", 0), root,
                SimpleFileServer.OutputLevel.NONE);
        server.start();
        return server;
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void shouldUpdateThroughARotatedRootFromADirectoryAndOverHttpAsTufJsDoes() throws Exception {
        Path repo = TufRepoPeer.write(dir.resolve("repo"), TARGET, "none");
        Path state = dir.resolve("state");
        TufClient.Result r = new TufClient(TufMirror.of(repo.toString()), state, Instant.now())
                .update(Files.readAllBytes(repo.resolve("bootstrap-root.json")), "bootstrap-root.json");

        assertThat(r.rootVersion()).isEqualTo(2);
        assertThat(r.rotations()).isEqualTo(1);
        assertThat(r.timestampVersion()).isEqualTo(3);
        assertThat(r.snapshotVersion()).isEqualTo(2);
        assertThat(r.targetsVersion()).isEqualTo(2);
        assertThat(Files.readAllBytes(r.trustedRoot())).isEqualTo(Files.readAllBytes(TARGET));
        // again, from what this machine now trusts (no bootstrap root), over HTTP
        HttpServer server = serve(repo);
        try {
            TufClient.Result again = new TufClient(TufMirror.of(url(server)), state, Instant.now()).update(null, null);
            assertThat(again.rotations()).isZero();
            assertThat(again.sha256()).isEqualTo(r.sha256());
            ProcessRunner.Result tufJs = TufRepoPeer.tufJs(url(server), repo.resolve("bootstrap-root.json"),
                    dir.resolve("tufjs"));
            assertThat(tufJs.exitCode()).as(tufJs.stderr()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldRefuseEveryAttackTufJsRefusesAndWriteNoTrustedRoot() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (String attack : TufRepoPeer.ATTACKS) {
            Path repo = TufRepoPeer.write(dir.resolve(attack), TARGET, attack);
            Path state = dir.resolve("state-" + attack);
            String ours;
            try {
                new TufClient(TufMirror.of(repo.toString()), state, Instant.now())
                        .update(Files.readAllBytes(repo.resolve("bootstrap-root.json")), "bootstrap-root.json");
                ours = null;
            } catch (TrustplaneException e) {
                ours = e.getMessage();
            }
            HttpServer server = serve(repo);
            ProcessRunner.Result tufJs;
            try {
                tufJs = TufRepoPeer.tufJs(url(server), repo.resolve("bootstrap-root.json"), dir.resolve("tufjs-" + attack));
            } finally {
                server.stop(0);
            }
            if (ours == null || tufJs.exitCode() == 0) {
                disagreements.add(attack + ": Trustplane " + (ours == null ? "accepted" : "refused") + ", tuf-js "
                        + (tufJs.exitCode() == 0 ? "accepted" : "refused"));
            }
            assertThat(state.resolve("trusted_root.json")).as(attack).doesNotExist();
            System.out.println("TUF " + attack + ": " + ours);
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void shouldRefuseARollbackToOlderMetadata() throws Exception {
        Path repo = TufRepoPeer.write(dir.resolve("repo"), TARGET, "rollback");
        Path state = dir.resolve("state");
        new TufClient(TufMirror.of(repo.toString()), state, Instant.now())
                .update(Files.readAllBytes(repo.resolve("bootstrap-root.json")), "bootstrap-root.json");
        byte[] before = Files.readAllBytes(state.resolve("timestamp.json"));

        assertThatThrownBy(() -> new TufClient(TufMirror.of(repo.resolve("rollback").toString()), state, Instant.now())
                .update(null, null))
                .isInstanceOf(TrustplaneException.class)
                .hasMessage("TUF rollback: timestamp.json is version 2, older than the version 3 trusted before; the"
                        + " mirror serves old metadata, the trusted root was not changed");
        assertThat(Files.readAllBytes(state.resolve("timestamp.json"))).isEqualTo(before);
    }

    @Test
    void shouldBoundWhatItReadsAndNameAMissingRoot() throws Exception {
        Path repo = TufRepoPeer.write(dir.resolve("repo"), TARGET, "none");
        Files.write(repo.resolve("timestamp.json"), new byte[(int) TufClient.MAX_TIMESTAMP + 1]);

        assertThatThrownBy(() -> new TufClient(TufMirror.of(repo.toString()), dir.resolve("state"), Instant.now())
                .update(Files.readAllBytes(repo.resolve("bootstrap-root.json")), "bootstrap-root.json"))
                .hasMessageContaining("TUF file size");
        assertThatThrownBy(() -> new TufClient(TufMirror.of(repo.toString()), dir.resolve("fresh"), Instant.now())
                .update(null, null))
                .hasMessageContaining("No TUF root is trusted on this machine yet: pass --root root.json");
    }
}
