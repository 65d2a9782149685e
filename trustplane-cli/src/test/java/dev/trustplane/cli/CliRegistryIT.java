package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.RegistryPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verbs run in-process against the real registry with htpasswd authentication. */
class CliRegistryIT {
    @TempDir
    Path dir;

    private CliRun withStdin(String stdin, String... args) {
        return CliRun.run(Map.of("DOCKER_CONFIG", dir.resolve("docker").toString()), stdin, args);
    }

    private CliRun run(String... args) {
        return withStdin("", args);
    }

    @Test
    void shouldLoginToRealRegistryAndLogout() throws Exception {
        try (RegistryPeer registry = RegistryPeer.start(dir, "alice", "s3cret")) {
            CliRun bad = withStdin("wrong\n", "login", registry.host(), "-u", "alice", "--password-stdin");
            assertThat(bad.code()).isEqualTo(4);
            assertThat(bad.err()).isEqualTo("trustplane: error: Login to " + registry.host() + " as alice failed: the"
                    + " registry rejected the credentials; nothing was stored\n");
            assertThat(dir.resolve("docker/config.json")).doesNotExist();

            CliRun ok = withStdin("s3cret\n", "login", registry.host(), "-u", "alice", "--password-stdin");
            assertThat(ok.code()).isZero();
            assertThat(Files.readString(dir.resolve("docker/config.json"))).doesNotContain("s3cret");
            run("tour", "--dir", dir.resolve("t").toString());
            CliRun push = run("copy", "oci:" + dir.resolve("t/store") + ":demo", registry.host() + "/private/tour:demo");
            assertThat(push.code()).isZero();
            assertThat(run("tags", registry.host() + "/private/tour").out()).isEqualTo("demo\n");

            assertThat(run("logout", registry.host()).code()).isZero();
            CliRun denied = run("tags", registry.host() + "/private/tour");
            assertThat(denied.code()).isEqualTo(4);
            assertThat(run("logout", registry.host()).code()).isEqualTo(3);
        }
    }

}
