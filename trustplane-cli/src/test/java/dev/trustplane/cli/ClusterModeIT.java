package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.testkit.PostgresPeer;
import dev.trustplane.testkit.RegistryPeer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode as it runs: three {@code trustplane serve} processes (the packaged CLI) sharing one
 * real PostgreSQL, the CNCF registry and fabric8's Kubernetes API mock. A revocation written by
 * one process is enforced by every replica at its next request; exactly one replica holds the
 * {@code trustplane-leader} Lease and runs the drift loop; SIGKILL of the leader under load moves
 * the loop to another within the lease's bound, and no answered decision and no finding is lost or
 * duplicated.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterModeIT {
    static KubernetesClient kube;
    static KubernetesMockServer server;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/trustplane-cli.jar").toAbsolutePath();

    @TempDir
    static Path work;
    static PostgresPeer postgres;
    static RegistryPeer registry;
    static Map<String, String> env;
    static HttpClient https;
    static final List<Replica> replicas = new ArrayList<>();
    static String web;
    static String api;
    static String rogue;

    record Replica(String name, Process process, int port, Path log) {
        String url(String path) {
            return "https://127.0.0.1:" + port + path;
        }
    }

    @BeforeAll
    static void cluster() throws Exception {
        postgres = PostgresPeer.start();
        registry = RegistryPeer.start(work);
        env = Map.of("TRUSTPLANE_PASSWORD", "cluster-pass", "TRUSTPLANE_STORE_URL", postgres.jdbcUrl(),
                "TRUSTPLANE_STORE_USER", postgres.user(), "TRUSTPLANE_DATA", work.resolve("cli-data").toString(),
                "HOME", work.toString());
        cli("keygen", "--output-key-prefix", work.resolve("team").toString());
        cli("keygen", "--output-key-prefix", work.resolve("old").toString());
        web = push("shop/web", 1);
        cli("sign", web, "--key", work.resolve("team.key").toString());
        api = push("shop/api", 2);
        cli("sign", api, "--key", work.resolve("old.key").toString());
        rogue = push("shop/rogue", 3);

        Path policies = Files.createDirectories(work.resolve("policies"));
        Files.writeString(policies.resolve("signed.yaml"), """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: signed-images}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: signed
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["REGISTRY/shop/*"]
                          mutateDigest: false
                          verifyDigest: false
                          attestors:
                            - count: 1
                              entries:
                                - keys: {publicKeys: "TEAM", rekor: {ignoreTlog: true}}
                                - keys: {publicKeys: "OLD", rekor: {ignoreTlog: true}}
                """.replace("REGISTRY", registry.host())
                .replace("TEAM", pem(work.resolve("team.pub"))).replace("OLD", pem(work.resolve("old.pub"))));
        WebhookCertificates.Material certs = WebhookCertificates.generate(List.of("127.0.0.1"), Duration.ofDays(1));
        Files.writeString(work.resolve("tls.crt"), certs.certificate());
        Files.writeString(work.resolve("tls.key"), certs.key());
        https = HttpClient.newBuilder().sslContext(WebhookCertificates.trusting(certs.caCertificate(), "the test CA"))
                .connectTimeout(Duration.ofSeconds(2)).build();
        kube.resource("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"prod\"}}").create();
        kube.resource("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"trustplane\"}}").create();
        pod("web-1", web);
        pod("rogue-1", rogue); // created around the webhook: a finding for the leader's drift loop

        for (int i = 0; i < 3; i++) {
            replicas.add(start("replica-" + i));
        }
        for (Replica r : replicas) {
            awaitReady(r);
        }
    }

    @AfterAll
    static void stop() {
        replicas.forEach(r -> r.process().destroyForcibly());
        if (registry != null) {
            registry.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void shouldEnforceARevocationWrittenByOneProcessOnEveryReplicaAtItsNextRequest() throws Exception {
        for (Replica r : replicas) {
            assertThat(review(r, "api-warm-" + r.name(), api).path("allowed").asBoolean()).as(r.name()).isTrue();
        }
        cli("trust", "revoke", "--key", work.resolve("old.pub").toString(), "--reason", "key leaked (INC-7)");
        for (Replica r : replicas) {
            JsonNode answer = review(r, "api-next-" + r.name(), api);
            assertThat(answer.path("allowed").asBoolean()).as(r.name() + " despite its warm cache").isFalse();
            assertThat(answer.path("status").path("message").asText()).as(r.name()).contains("revoked");
            assertThat(review(r, "web-" + r.name(), web).path("allowed").asBoolean()).as(r.name()).isTrue();
        }
    }

    @Test
    @Order(2)
    void shouldMoveTheLoopsWithinTheLeaseBoundWhenTheLeaderIsKilledAndLoseNoDecisionOrFinding() throws Exception {
        Replica leader = awaitOneLeader(Duration.ofSeconds(30));
        awaitFinding("rogue-1", Duration.ofSeconds(60));
        long findingsBefore = count("SELECT COUNT(*) FROM fleet_findings");

        // admission load on every replica while the leader dies
        Map<String, Boolean> answered = new ConcurrentHashMap<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().start(() -> {
            int n = 0;
            while (loading.get()) {
                Replica r = replicas.get(n++ % replicas.size());
                String uid = UUID.randomUUID().toString();
                try {
                    answered.put(uid, reviewWithUid(r, uid, "load-" + n, n % 2 == 0 ? web : rogue)
                            .path("allowed").asBoolean());
                } catch (IOException | InterruptedException | RuntimeException e) {
                    // the killed replica does not answer: nothing was decided for that request
                }
            }
        });
        Thread.sleep(1500);
        long killed = System.nanoTime();
        leader.process().destroyForcibly(); // SIGKILL: no shutdown hook, no drain
        leader.process().waitFor();
        Replica next = null;
        while (next == null && System.nanoTime() - killed < Duration.ofSeconds(30).toNanos()) {
            next = leading().stream().filter(r -> r != leader).findFirst().orElse(null);
            Thread.sleep(100);
        }
        double failover = (System.nanoTime() - killed) / 1e9;
        Thread.sleep(1000);
        loading.set(false);
        load.join();

        assertThat(next).as("another replica leads").isNotNull();
        assertThat(failover).as("failover in seconds (lease 10 s, retried every 2 s)").isLessThan(15);
        assertThat(answered).hasSizeGreaterThan(20);
        assertThat(answered.containsValue(true)).isTrue();
        assertThat(answered.containsValue(false)).isTrue();
        Map<String, String> ledger = new HashMap<>(); // request uid → rows and how many allowed
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT request_uid, COUNT(*),"
                        + " SUM(allowed) FROM admission_decisions GROUP BY request_uid")) {
            while (r.next()) {
                ledger.put(r.getString(1), r.getLong(2) + " rows, " + r.getLong(3) + " allowed");
            }
        }
        for (Map.Entry<String, Boolean> a : answered.entrySet()) {
            assertThat(ledger.get(a.getKey())).as("the decision answered for %s is in the ledger once, as answered",
                    a.getKey()).isEqualTo("1 rows, " + (a.getValue() ? 1 : 0) + " allowed");
        }

        // the new leader runs the loop: a pod created now becomes a finding; the old ones stay single
        pod("rogue-2", rogue);
        awaitFinding("rogue-2", Duration.ofSeconds(60));
        assertThat(count("SELECT COUNT(*) FROM fleet_findings WHERE workload <> 'rogue-2'")).isEqualTo(findingsBefore);
        assertThat(count("SELECT COUNT(*) FROM (SELECT kind, namespace, workload, container FROM fleet_findings"
                + " GROUP BY kind, namespace, workload, container HAVING COUNT(*) > 1) d")).isZero();
        assertThat(leading()).containsExactly(next);
        System.out.printf("ClusterModeIT: failover %.1f s, %d decisions answered during it, all in the ledger%n",
                failover, answered.size());
    }

    static Replica start(String name) throws IOException {
        int port = RegistryPeer.freePort();
        Path log = work.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "serve",
                "--policies", work.resolve("policies").toString(), "--tls-cert", work.resolve("tls.crt").toString(),
                "--tls-key", work.resolve("tls.key").toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--kube-api", kube.getMasterUrl().toString(), "--drift-interval", "1h", "--log-format", "json",
                "--cache-ttl", "10m");
        pb.environment().putAll(Map.of("TRUSTPLANE_STORE_URL", postgres.jdbcUrl(), "TRUSTPLANE_STORE_USER",
                postgres.user(), "TRUSTPLANE_DATA", work.resolve(name).toString(), "POD_NAME", name,
                "POD_NAMESPACE", "trustplane", "HOME", work.toString()));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Replica(name, pb.start(), port, log);
    }

    static void awaitReady(Replica r) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(r.process().isAlive()).as(r.name() + " exited: " + Files.readString(r.log())).isTrue();
            try {
                if (get(r, "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(r.name() + " not ready in 120 s: " + Files.readString(r.log()));
    }

    static HttpResponse<String> get(Replica r, String path) throws IOException, InterruptedException {
        return https.send(HttpRequest.newBuilder(URI.create(r.url(path))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The live replicas whose /metrics say they lead. */
    static List<Replica> leading() throws InterruptedException {
        List<Replica> out = new ArrayList<>();
        for (Replica r : replicas) {
            if (!r.process().isAlive()) {
                continue;
            }
            try {
                if (get(r, "/metrics").body().lines().anyMatch(l -> l.equals("trustplane_leader 1"))) {
                    out.add(r);
                }
            } catch (IOException e) {
                // not answering: not leading
            }
        }
        return out;
    }

    static Replica awaitOneLeader(Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            List<Replica> now = leading();
            if (now.size() == 1) {
                String holder = kube.leases().inNamespace("trustplane").withName("trustplane-leader").get().getSpec()
                        .getHolderIdentity();
                assertThat(holder).startsWith(now.get(0).name() + "-");
                return now.get(0);
            }
            assertThat(now).as("never two leaders").hasSizeLessThan(2);
            Thread.sleep(200);
        }
        throw new AssertionError("no leader within " + wait);
    }

    static void awaitFinding(String pod, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (count("SELECT COUNT(*) FROM fleet_findings WHERE workload = '" + pod + "' AND status = 'open'") > 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no finding for " + pod + " within " + wait);
    }

    static long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    static JsonNode review(Replica r, String name, String image) throws Exception {
        return reviewWithUid(r, UUID.randomUUID().toString(), name, image);
    }

    static JsonNode reviewWithUid(Replica r, String uid, String name, String image)
            throws IOException, InterruptedException {
        String object = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":"
                + "\"prod\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"" + image + "\"}]}}";
        String body = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\""
                + uid + "\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"group\":\"\","
                + "\"version\":\"v1\",\"resource\":\"pods\"},\"namespace\":\"prod\",\"name\":\"" + name + "\","
                + "\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"ci\"},\"object\":" + object
                + ",\"dryRun\":false}}";
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create(r.url("/validate")))
                .timeout(Duration.ofSeconds(12)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("response");
    }

    static void pod(String name, String image) {
        String repo = image.substring(0, image.indexOf('@'));
        String digest = image.substring(image.indexOf('@') + 1);
        kube.resource("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":"
                + "\"prod\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"" + image + "\"}]},"
                + "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"app\",\"image\":\"" + image
                + "\",\"imageID\":\"docker-pullable://" + repo + "@" + digest + "\",\"ready\":true,\"restartCount\":0,"
                + "\"state\":{\"running\":{}}}]}}").create();
    }

    static void cli(String... args) {
        CliRun run = CliRun.run(env, "", args);
        assertThat(run.code()).as(String.join(" ", args) + "\n" + run.err()).isZero();
    }

    static String pem(Path file) throws IOException {
        return Files.readString(file).strip().replace("\n", "\\n");
    }

    /** An OCI layout written by hand (one random layer), copied to the registry by `trustplane copy`; pinned. */
    static String push(String repository, long seed) throws Exception {
        Path layout = Files.createDirectories(work.resolve("layout-" + seed + "/blobs/sha256")).getParent().getParent();
        byte[] layer = new byte[512];
        new Random(seed).nextBytes(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
                + "[\"" + sha(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + sha(config)
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + sha(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : List.of(layer, config, manifest)) {
            Files.write(layout.resolve("blobs/sha256/" + sha(blob).substring(7)), blob);
        }
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + sha(manifest) + "\",\"size\":"
                + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
        String tag = registry.host() + "/" + repository + ":v1";
        cli("copy", "oci:" + layout + ":v1", tag);
        return registry.host() + "/" + repository + "@" + sha(manifest);
    }

    static String sha(byte[] data) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
