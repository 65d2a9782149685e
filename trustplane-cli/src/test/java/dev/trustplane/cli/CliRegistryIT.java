package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.RegistryPeer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verbs run in-process against the real registry with htpasswd authentication. */
class CliRegistryIT {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run withStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                Map.of("DOCKER_CONFIG", dir.resolve("docker").toString()));
        return new Run(code, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return withStdin("", args);
    }

    @Test
    void shouldLoginToRealRegistryAndLogout() throws Exception {
        try (RegistryPeer registry = RegistryPeer.start(dir, "alice", "s3cret")) {
            Run bad = withStdin("wrong\n", "login", registry.host(), "-u", "alice", "--password-stdin");
            assertThat(bad.code()).isEqualTo(4);
            assertThat(bad.err()).isEqualTo("trustplane: error: Login to " + registry.host() + " as alice failed: the"
                    + " registry rejected the credentials; nothing was stored\n");
            assertThat(dir.resolve("docker/config.json")).doesNotExist();

            Run ok = withStdin("s3cret\n", "login", registry.host(), "-u", "alice", "--password-stdin");
            assertThat(ok.code()).isZero();
            assertThat(Files.readString(dir.resolve("docker/config.json"))).doesNotContain("s3cret");
            run("tour", "--dir", dir.resolve("t").toString());
            Run push = run("copy", "oci:" + dir.resolve("t/store") + ":demo", registry.host() + "/private/tour:demo");
            assertThat(push.code()).isZero();
            assertThat(run("tags", registry.host() + "/private/tour").out()).isEqualTo("demo\n");

            assertThat(run("logout", registry.host()).code()).isZero();
            Run denied = run("tags", registry.host() + "/private/tour");
            assertThat(denied.code()).isEqualTo(4);
            assertThat(run("logout", registry.host()).code()).isEqualTo(3);
        }
    }

}
