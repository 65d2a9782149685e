package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import dev.trustplane.testkit.RegistryPeer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server image, built by Trustplane from images/server/trustplane-server.yaml (dogfood): locked,
 * built and signed into the CNCF registry; cosign verifies its signature and provenance; the
 * provenance lists every input (each package and each jar, by digest); unpacked, it runs the
 * webhook as uid 65532 in a chroot inside fresh namespaces and answers /healthz and /readyz over
 * TLS; it has no shell.
 */
class ServerImageIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SPEC = ROOT.resolve("images/server/trustplane-server.yaml");
    private static final Path CACHE = Path.of("target/it-cache").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldBuildSignAndRunTheServerImageAsNonrootWithoutAShell() throws Exception {
        Map<String, String> env = Map.of("TRUSTPLANE_CACHE", CACHE.toString(), "TRUSTPLANE_PASSWORD", "server-pass",
                "HOME", dir.toString());
        String prefix = dir.resolve("release").toString();
        run(env, "keygen", "--output-key-prefix", prefix);
        Path lock = dir.resolve("trustplane-server.lock.json");
        run(env, "lock", SPEC.toString(), "--context", ROOT.toString(), "--output", lock.toString());
        try (RegistryPeer registry = RegistryPeer.start(dir.resolve("reg"))) {
            String ref = registry.host() + "/trustplane/server:test";
            CliRun built = run(env, "build", SPEC.toString(), "--lock", lock.toString(), "--context", ROOT.toString(),
                    "-o", ref, "--sign", "--key", prefix + ".key");
            String digest = built.out().lines().filter(l -> l.startsWith("Digest: ")).findFirst().orElseThrow()
                    .substring(8);
            String pinned = registry.host() + "/trustplane/server@" + digest;

            String cosign = Peers.require("cosign").toString();
            Map<String, String> cosignEnv = Map.of("HOME", dir.toString());
            for (List<String> cmd : List.of(
                    List.of(cosign, "verify", "--key", prefix + ".pub", "--insecure-ignore-tlog",
                            "--allow-insecure-registry", pinned),
                    List.of(cosign, "verify-attestation", "--key", prefix + ".pub", "--insecure-ignore-tlog",
                            "--allow-insecure-registry", "--type", "slsaprovenance1", pinned))) {
                ProcessRunner.run(cmd, cosignEnv, 180).requireSuccess(cmd);
            }
            CliRun provenance = run(env, "verify-attestation", pinned, "--key", prefix + ".pub",
                    "--insecure-ignore-tlog", "--type", "slsaprovenance1", "-o", "json");
            JsonNode statements = JSON.readTree(provenance.out()).path("evidence");
            Set<String> platforms = new TreeSet<>();
            for (JsonNode e : statements) {
                JsonNode deps = e.path("statement").path("predicate").path("buildDefinition")
                        .path("resolvedDependencies");
                platforms.add(e.path("statement").path("subject").get(0).path("digest").path("sha256").asText());
                assertThat(deps.toString()).contains("/dists/trixie/InRelease", "/openjdk-21/openjdk-21-jre-headless_");
                for (Path jar : jars()) {
                    String sha = sha256(jar);
                    assertThat(deps.findValuesAsText("sha256")).as("the provenance cites %s", jar).contains(sha);
                }
            }
            assertThat(platforms).isNotEmpty();

            // the amd64 image of the index, as a runtime on this machine would pull it
            HttpResponse<String> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                    + registry.host() + "/v2/trustplane/server/manifests/" + digest)).header("Accept",
                    "application/vnd.oci.image.index.v1+json").build(), HttpResponse.BodyHandlers.ofString());
            String amd64 = null;
            for (JsonNode m : JSON.readTree(index.body()).path("manifests")) {
                if (m.path("platform").path("architecture").asText().equals("amd64")) {
                    amd64 = m.path("digest").asText();
                }
            }
            assertThat(amd64).as(index.body()).isNotNull();
            Path layout = dir.resolve("layout");
            run(env, "copy", registry.host() + "/trustplane/server@" + amd64, "oci:" + layout + ":server");
            Path bundle = dir.resolve("bundle");
            ProcessRunner.runOk(List.of(Peers.require("umoci").toString(), "unpack", "--image", layout + ":server",
                    bundle.toString()));
            Path rootfs = bundle.resolve("rootfs");
            assertThat(rootfs.resolve("bin/sh")).doesNotExist();
            assertThat(rootfs.resolve("usr/bin/sh")).doesNotExist();
            serveInImage(rootfs);
        }
    }

    /** Starts `serve` from the image in a chroot as 65532 and asks its probes; stops it. */
    private void serveInImage(Path rootfs) throws Exception {
        Path work = Files.createDirectories(rootfs.resolve("tmp/tp"));
        WebhookCertificates.Material certs = WebhookCertificates.generate(List.of("127.0.0.1"), Duration.ofDays(1));
        Files.writeString(work.resolve("tls.crt"), certs.certificate());
        Files.writeString(work.resolve("tls.key"), certs.key());
        Path policies = Files.createDirectories(work.resolve("policies"));
        Files.writeString(policies.resolve("p.yaml"), """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: registries}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: allowed
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate:
                        message: "images come from registry.example.com"
                        pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}
                """);
        ProcessRunner.runOk(List.of("chown", "-R", "65532:65532", work.toString()));
        int port = RegistryPeer.freePort();
        // as a container runtime: fresh mount, PID, IPC and UTS namespaces, /proc and /dev, the image as root;
        // the network is shared so that the test reaches the port
        String inner = "mount --bind /dev " + rootfs.resolve("dev") + " && exec chroot --userspec=65532:65532 "
                + rootfs + " /usr/bin/java -XX:TieredStopAtLevel=1 -jar /opt/trustplane/trustplane-cli.jar serve"
                + " --policies /tmp/tp/policies --tls-cert /tmp/tp/tls.crt --tls-key /tmp/tp/tls.key --host 127.0.0.1"
                + " --port " + port;
        Files.createDirectories(rootfs.resolve("dev"));
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--uts", "--ipc", "--pid", "--fork",
                "--kill-child", "--mount-proc=" + rootfs.resolve("proc"), "sh", "-c", inner);
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", "/home/nonroot",
                "TRUSTPLANE_DATA", "/tmp/tp/data"));
        Path log = dir.resolve("serve.log");
        Process server = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient https = HttpClient.newBuilder().sslContext(WebhookCertificates.trusting(certs.caCertificate(),
                    "the test CA")).connectTimeout(Duration.ofSeconds(2)).build();
            String ready = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (ready == null && System.nanoTime() < deadline) {
                assertThat(server.isAlive()).as("serve in the image exited: " + Files.readString(log)).isTrue();
                try {
                    HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                            + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    ready = r.statusCode() == 200 ? r.body() : null;
                } catch (IOException e) {
                    Thread.sleep(300);
                }
            }
            assertThat(ready).as(Files.readString(log)).isEqualTo("ready\n");
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                    + "/healthz")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("ok\n");
            ProcessHandle java = server.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                    .findFirst().orElseThrow();
            assertThat(Files.readString(Path.of("/proc/" + java.pid() + "/status"))).containsPattern(
                    "Uid:\\s+65532\\s+65532");
        } finally {
            // the JVM is PID 1 of its namespace: killing it ends the namespace (unshare ignores SIGTERM)
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor();
        }
    }

    private static List<Path> jars() throws IOException {
        List<Path> jars = new ArrayList<>(List.of(ROOT.resolve("trustplane-cli/target/trustplane-cli.jar")));
        try (Stream<Path> lib = Files.list(ROOT.resolve("trustplane-cli/target/lib"))) {
            lib.sorted().forEach(jars::add);
        }
        return jars;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static CliRun run(Map<String, String> env, String... args) {
        CliRun run = CliRun.run(env, "", args);
        assertThat(run.code()).as(String.join(" ", args) + "\n" + run.err()).isZero();
        return run;
    }
}
