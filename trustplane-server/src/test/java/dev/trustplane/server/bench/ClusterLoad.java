package dev.trustplane.server.bench;

import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.testkit.PostgresPeer;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.testkit.SamplePolicies;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cluster mode under load (issue 23: three replicas against one PostgreSQL under bench/admission's
 * warm load, p99 within 1.5× of a single replica's in the same run; leader failover ≤ 15 s). Starts
 * the real CNCF registry and PostgreSQL, pushes three images signed by Trustplane, serves fabric8's
 * Kubernetes API mock for the Lease, then runs `./trustplane serve` (PostgreSQL store, drift loop,
 * the Lease) first as one replica, then as three, sending the same open-loop AdmissionReviews (a
 * Pod with the three containers) round-robin over the replicas; then kills the leader with SIGKILL
 * and times until another replica's /metrics says it leads.
 */
public final class ClusterLoad {
    /** Held: the mock logs every request at INFO through java.util.logging otherwise. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private ClusterLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        MOCK_LOG.setLevel(Level.WARNING);
        Path work = Files.createTempDirectory("trustplane-cluster-bench");
        KubernetesMockServer kube = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kube.init();
        try (RegistryPeer registry = RegistryPeer.start(work); PostgresPeer postgres = PostgresPeer.start()) {
            RegistryClient client = RegistryClient.builder().build();
            SigningKey key = Keys.generate();
            List<String> images = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                images.add(AdmissionLoad.pushSigned(registry, client, key, work, i).toString());
            }
            Path policies = Files.createDirectories(work.resolve("policies"));
            Files.writeString(policies.resolve("p.yaml"), SamplePolicies.signedBy(registry.host() + "/*",
                    Keys.publicPem(key.publicKey())));
            WebhookCertificates.Material certs = WebhookCertificates.generate(List.of("127.0.0.1"), Duration.ofDays(1));
            Files.writeString(work.resolve("tls.crt"), certs.certificate());
            Files.writeString(work.resolve("tls.key"), certs.key());
            HttpClient https = AdmissionLoad.client(certs.caCertificate());
            String body = AdmissionLoad.review(images);
            String api = kube.url("/").replaceAll("/$", "");

            long[][] p99 = new long[2][];
            int[] counts = {1, 3};
            List<Process> replicas = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            for (int phase = 0; phase < 2; phase++) {
                replicas.forEach(Process::destroyForcibly);
                replicas.clear();
                ports.clear();
                for (int i = 0; i < counts[phase]; i++) {
                    int port = RegistryPeer.freePort();
                    ports.add(port);
                    replicas.add(serve(root, work, postgres, api, policies, "replica-" + phase + "-" + i, port));
                    AdmissionLoad.awaitReady(https, port, replicas.get(i)); // one at a time, as a rollout starts them
                }
                List<URI> uris = ports.stream().map(p -> URI.create("https://127.0.0.1:" + p + "/validate")).toList();
                for (int step = 1; step <= 5; step++) {
                    AdmissionLoad.run(https, uris, body, Math.max(1, rate * step / 5), 4, "warm-up", false);
                }
                p99[phase] = AdmissionLoad.run(https, uris, body, rate, seconds, counts[phase] + "x", true);
            }
            System.out.printf("p99 three replicas / one replica: %.2f over the whole run (target <= 1.5); %.2f for the"
                    + " median of the 5 s windows' p99%n", (double) p99[1][0] / p99[0][0], (double) p99[1][1] / p99[0][1]);

            int leader = awaitLeader(https, ports, replicas, -1, Duration.ofSeconds(60));
            long killed = System.nanoTime();
            replicas.get(leader).destroyForcibly();
            replicas.get(leader).waitFor();
            int next = awaitLeader(https, ports, replicas, leader, Duration.ofSeconds(60));
            System.out.printf("leader failover: replica %d killed (SIGKILL), replica %d leads after %.1f s (target"
                    + " <= 15 s; lease 10 s, retried every 2 s)%n", leader, next, (System.nanoTime() - killed) / 1e9);
            replicas.forEach(Process::destroyForcibly);
        } finally {
            kube.destroy();
            if (System.getenv("BENCH_KEEP") == null) {
                new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
            } else {
                System.out.println("kept " + work);
            }
        }
    }

    private static Process serve(Path root, Path work, PostgresPeer postgres, String api, Path policies, String name,
            int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("trustplane").toString(), "serve", "--policies",
                policies.toString(), "--tls-cert", work.resolve("tls.crt").toString(), "--tls-key",
                work.resolve("tls.key").toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--kube-api", api, "--drift-interval", "1h").redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        pb.environment().put("TRUSTPLANE_DATA", work.resolve(name).toString());
        pb.environment().put("TRUSTPLANE_STORE_URL", postgres.jdbcUrl());
        pb.environment().put("TRUSTPLANE_STORE_USER", postgres.user());
        pb.environment().put("POD_NAME", name);
        pb.environment().put("POD_NAMESPACE", "trustplane");
        if (System.getenv("SERVE_JAVA_OPTS") != null) {
            pb.environment().put("JAVA_OPTS", System.getenv("SERVE_JAVA_OPTS"));
        }
        return pb.start();
    }

    /** The index of the live replica (not {@code except}) whose /metrics say it leads. */
    private static int awaitLeader(HttpClient https, List<Integer> ports, List<Process> replicas, int except,
            Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < ports.size(); i++) {
                if (i == except || !replicas.get(i).isAlive()) {
                    continue;
                }
                try {
                    HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                            + ports.get(i) + "/metrics")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.body().lines().anyMatch(l -> l.equals("trustplane_leader 1"))) {
                        return i;
                    }
                } catch (IOException e) {
                    // not answering
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no leader within " + wait);
    }
}
