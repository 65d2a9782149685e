package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.testkit.StallingRegistry;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Verbs run in-process: exit codes and the exact error line. */
class CliCommandTest {
    @TempDir
    Path dir;

    private CliRun withStdin(String stdin, String... args) {
        return CliRun.run(Map.of("DOCKER_CONFIG", dir.resolve("docker").toString()), stdin, args);
    }

    private CliRun run(String... args) {
        return withStdin("", args);
    }

    @Test
    void shouldRejectMalformedReferenceWithUsageCode() {
        CliRun r = run("inspect", "reg.io/App:1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("trustplane: error: Invalid image reference \"reg.io/App:1\": repository name"
                + " must be lowercase\n");
    }

    @Test
    void shouldRejectUnknownTransport() {
        CliRun r = run("copy", "docker-archive:x.tar", "oci:" + dir + ":v1");
        assertThat(r.code()).isEqualTo(8);
        assertThat(r.err()).startsWith("trustplane: error: Transport \"docker-archive:\" in \"docker-archive:x.tar\" is"
                + " not supported");
    }

    @Test
    void shouldNameMissingLayout() {
        CliRun r = run("inspect", "oci:" + dir.resolve("nope") + ":v1");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("trustplane: error: OCI layout " + dir.resolve("nope") + " does not exist; check"
                + " the path after \"oci:\" (a destination layout is created by copy)\n");
    }

    @Test
    void shouldReportUnreachableRegistry() throws Exception {
        int port = RegistryPeer.freePort();
        CliRun r = run("tags", "127.0.0.1:" + port + "/app");
        assertThat(r.code()).isEqualTo(5);
        assertThat(r.err()).startsWith("trustplane: error: Cannot reach registry 127.0.0.1:" + port
                + " to list tags of 127.0.0.1:" + port + "/app: connection refused");
    }

    @Test
    void shouldSayWhatClusterModeServeNeedsWhenItIsMissing() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path template = Files.writeString(dir.resolve("job.yaml"), "kind: Job\n");
        Map<String, String> env = Map.of("TRUSTPLANE_DATA", dir.resolve("data").toString(), "HOME", dir.toString());
        CliRun k8s = CliRun.run(env, "", "serve", "--policies", "k8s", "--tls-cert", cert.toString(), "--tls-key",
                cert.toString());
        assertThat(k8s.code()).isEqualTo(2);
        assertThat(k8s.err()).contains("--policies k8s reads the policies from the Kubernetes API: pass --kube-api");
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("p.yaml"), "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:"
                + " {name: p}\nspec:\n  rules:\n    - name: r\n      match: {any: [{resources: {kinds: [Pod]}}]}\n"
                + "      validate: {message: m, pattern: {metadata: {name: \"?*\"}}}\n");
        CliRun jobs = CliRun.run(env, "", "serve", "--policies", policies.toString(), "--tls-cert", cert.toString(),
                "--tls-key", cert.toString(), "--rebuild-jobs", template.toString());
        assertThat(jobs.code()).isEqualTo(2);
        assertThat(jobs.err()).contains("--rebuild-jobs runs the rebuilds of --catalog DIR: pass --catalog too");
        CliRun lease = CliRun.run(env, "", "serve", "--policies", policies.toString(), "--tls-cert", cert.toString(),
                "--tls-key", cert.toString(), "--lease-duration", "2s", "--kube-api", "http://127.0.0.1:9",
                "--drift-interval", "1h");
        assertThat(lease.code()).isEqualTo(2);
        assertThat(lease.err()).contains("--lease-duration 2s is too short");
    }

    @Test
    void shouldRunTourOnEmbeddedDefault() {
        CliRun r = run("tour", "--dir", dir.resolve("tour").toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("sha256:093ca4f58813307576bf8f0ce28ca32b6106668021faa7f37f6c25c9889529fe")
                .contains("└── application/vnd.trustplane.tour.note+json")
                .contains("Blobs: 0 copied (0 B), 2 already present")
                .contains("2 of 2 signatures verified for " + dir.resolve("tour/store")
                        + "@sha256:093ca4f58813307576bf8f0ce28ca32b6106668021faa7f37f6c25c9889529fe");
    }

    @Test
    void shouldListVerbsAndExitCodesInHelp() {
        CliRun r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("copy", "inspect", "referrers", "tags", "login", "logout", "attach", "gc", "tour")
                .contains("Exit codes:");
    }

    @Test
    void shouldNameAMissingImageSpec() {
        CliRun r = run("build", dir.resolve("nope.yaml").toString(), "-o", "oci:" + dir.resolve("out") + ":v1");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("trustplane: error: Image spec " + dir.resolve("nope.yaml") + " does not exist\n");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void shouldListEverySpecProblemWithUsageCode() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "name: bad\nrelease: bookworm\npackages: []\nlayering: {gzip-level: 12}\n");
        CliRun r = run("lock", spec.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("trustplane: error: Image spec " + spec + " has 2 problems (see"
                + " docs/image-spec.md):\n  packages: must not be empty\n  layering.gzip-level: must be between 1"
                + " (fastest) and 9 (smallest)\n");
        assertThat(dir.resolve("bad.lock.json")).doesNotExist();
    }

    @Test
    void shouldRefuseABuildOutputWithADigest() throws Exception {
        Path spec = dir.resolve("ok.yaml");
        Files.writeString(spec, "name: ok\nrelease: bookworm\npackages: [libc6]\n");
        CliRun r = run("build", spec.toString(), "-o", "oci:" + dir + "@sha256:" + "a".repeat(64));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("trustplane: error: Build output oci:" + dir + "@sha256:" + "a".repeat(64)
                + " names a digest; give oci:DIR[:TAG]\n");
    }

    /** Issue 15: a registry trickling its answer held inspect for ~657 s; --deadline bounds the run. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldStopAtTheDeadlineWhenARegistryTricklesItsAnswer() {
        try (StallingRegistry slow = StallingRegistry.start(StallingRegistry.Mode.TRICKLE, 250)) {
            CliRun r = run("inspect", slow.host() + "/team/app:1", "--deadline", "2s");

            assertThat(r.code()).isEqualTo(5);
            assertThat(r.err()).startsWith("trustplane: error: ").contains("the deadline of 2s passed while reading the"
                    + " answer of registry " + slow.host() + " (raise --deadline, 0 for none, or try again)");
        }
    }

    @Test
    void shouldDefaultTheDeadlineByWhatTheVerbMoves() {
        assertThat(deadlineOf("copy", "oci:a:b", "oci:c:d")).isEqualTo(Duration.ofMinutes(10));
        assertThat(deadlineOf("sbom", "r.example/app:1")).isEqualTo(Duration.ofMinutes(10));
        assertThat(deadlineOf("inspect", "r.example/app:1")).isEqualTo(Duration.ofMinutes(2));
        assertThat(deadlineOf("verify", "r.example/app:1")).isEqualTo(Duration.ofMinutes(2));
        assertThat(deadlineOf("serve", "--policies", "p", "--tls-cert", "c", "--tls-key", "k")).isEqualTo(Duration.ZERO);
        assertThat(deadlineOf("inspect", "r.example/app:1", "--deadline", "45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(deadlineOf("copy", "oci:a:b", "oci:c:d", "--deadline", "0s")).isEqualTo(Duration.ZERO);
    }

    private static Duration deadlineOf(String... args) {
        CliContext ctx = new CliContext(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                new ByteArrayInputStream(new byte[0]), Map.of(), false);
        CommandLine.ParseResult parsed = Main.commandLine(ctx, args).parseArgs(args);
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return ((RegistryOptions) parsed.commandSpec().mixins().get("registry").userObject()).deadline();
    }
}
