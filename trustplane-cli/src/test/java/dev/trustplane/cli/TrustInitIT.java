package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import dev.trustplane.testkit.TufRepoPeer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trust init} end to end: a TUF repository tuf-js's model wrote, serving the Sigstore
 * staging trusted root the conformance suite's Rekor v2 case was signed under. Before, that
 * bundle does not verify without --trusted-root (the embedded root is public-good's); after
 * {@code trust init} it does, and a tampered mirror changes nothing.
 */
class TrustInitIT {
    @TempDir
    Path dir;

    @Test
    void shouldInstallTheTrustedRootTheMirrorServesAndUseItByDefault() throws Exception {
        Path staging = VerifyBlobIT.SUITE.resolve("rekor2-happy-path/trusted_root.json");
        Path repo = TufRepoPeer.write(dir.resolve("repo"), staging, "none");
        Path tampered = TufRepoPeer.write(dir.resolve("tampered"), staging, "tampered-target");
        Map<String, String> env = Map.of("TRUSTPLANE_DATA", dir.resolve("data").toString());
        String[] verify = {"verify-blob", VerifyBlobIT.SUITE.resolve("a.txt").toString(), "--bundle",
            VerifyBlobIT.SUITE.resolve("rekor2-happy-path/bundle.sigstore.json").toString(), "--certificate-identity",
            VerifyBlobIT.IDENTITY, "--certificate-oidc-issuer", VerifyBlobIT.ISSUER};

        CliRun before = CliRun.run(env, "", verify);
        CliRun noRoot = CliRun.run(env, "", "trust", "init", "--mirror", repo.toString());
        CliRun attacked = CliRun.run(env, "", "trust", "init", "--mirror", tampered.toString(), "--root",
                tampered.resolve("bootstrap-root.json").toString());
        CliRun init = CliRun.run(env, "", "trust", "init", "--mirror", repo.toString(), "--root",
                repo.resolve("bootstrap-root.json").toString(), "-o", dir.resolve("trusted_root.json").toString());
        CliRun after = CliRun.run(env, "", verify);

        assertThat(before.code()).isEqualTo(12);
        assertThat(noRoot.code()).isEqualTo(2);
        assertThat(noRoot.err()).contains("pass --root root.json");
        assertThat(attacked.code()).isEqualTo(6);
        assertThat(attacked.err()).isEqualTo("trustplane: error: TUF trusted_root.json has "
                + (Files.size(staging) + 1) + " bytes, not the " + Files.size(staging) + " the metadata above it names;"
                + " it is not trusted and the trusted root was not changed\n");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("root v2 (1 rotation verified), timestamp v3, snapshot v2, targets v2");
        assertThat(Files.readAllBytes(dir.resolve("trusted_root.json"))).isEqualTo(Files.readAllBytes(staging));
        assertThat(after.code()).as(after.out() + after.err()).isZero();

        HttpServer server = SimpleFileServer.createFileServer(new InetSocketAddress("127.0.0.1", 0), repo,
                SimpleFileServer.OutputLevel.NONE);
        server.start();
        try {
            CliRun http = CliRun.run(env, "", "trust", "init", "--mirror", "http://127.0.0.1:"
                    + server.getAddress().getPort());
            assertThat(http.code()).as(http.err()).isZero();
            assertThat(http.out()).contains("root v2, timestamp v3");
        } finally {
            server.stop(0);
        }
    }
}
