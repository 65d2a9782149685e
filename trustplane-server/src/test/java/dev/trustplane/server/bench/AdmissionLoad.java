package dev.trustplane.server.bench;

import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.server.SampleImages;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.testkit.SamplePolicies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for the admission webhook (bench/admission): pushes three signed images to a
 * real registry, starts {@code ./trustplane serve} as its own process with a signature policy in
 * Enforce, and sends AdmissionReviews for a Pod with those three containers over HTTPS at a fixed
 * rate (open loop: latency counts from when a request was due, so a stall is not hidden) over HTTP/2,
 * as the Kubernetes API server calls webhooks, after a 20 s ramp from a fifth of the rate.
 * Phases: warm (verification cached) and cold (the server's cache TTL is zero: every request
 * verifies against the registry). Prints p50/p99/max and errors per phase.
 */
public final class AdmissionLoad {
    private AdmissionLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int warmRate = Integer.parseInt(args[1]);
        int warmSeconds = Integer.parseInt(args[2]);
        int coldRate = Integer.parseInt(args[3]);
        int coldSeconds = Integer.parseInt(args[4]);
        Path work = Files.createTempDirectory("trustplane-admission-bench");
        try (RegistryPeer registry = RegistryPeer.start(work)) {
            RegistryClient client = RegistryClient.builder().build();
            SigningKey key = Keys.generate();
            List<String> images = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                images.add(pushSigned(registry, client, key, work, i).toString());
            }
            Path pub = Files.writeString(work.resolve("k.pub"), Keys.publicPem(key.publicKey()));
            Path policies = Files.createDirectories(work.resolve("policies"));
            Files.writeString(policies.resolve("p.yaml"), SamplePolicies.signedBy(registry.host() + "/*",
                    Files.readString(pub)));
            WebhookCertificates.Material certs = WebhookCertificates.generate(List.of("127.0.0.1"), Duration.ofDays(1));
            Files.writeString(work.resolve("tls.crt"), certs.certificate());
            Files.writeString(work.resolve("tls.key"), certs.key());
            HttpClient https = client(certs.caCertificate());
            String body = review(images);
            floor(client, images, coldRate, 5, false);
            floor(client, images, coldRate, coldSeconds, true);
            for (String phase : List.of("warm", "cold")) {
                int port = RegistryPeer.freePort();
                List<String> cmd = new ArrayList<>(List.of(root.resolve("trustplane").toString(), "serve", "--policies",
                        policies.toString(), "--tls-cert", work.resolve("tls.crt").toString(), "--tls-key",
                        work.resolve("tls.key").toString(), "--host", "127.0.0.1", "--port", String.valueOf(port)));
                if (phase.equals("cold")) {
                    cmd.addAll(List.of("--cache-ttl", "0s", "--negative-cache-ttl", "0s"));
                }
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(work.resolve("serve-" + phase + ".log").toFile());
                pb.environment().put("TRUSTPLANE_DATA", work.resolve("data-" + phase).toString());
                if (System.getenv("SERVE_JAVA_OPTS") != null) {
                    pb.environment().put("JAVA_OPTS", System.getenv("SERVE_JAVA_OPTS"));
                }
                Process server = pb.start();
                try {
                    URI uri = URI.create("https://127.0.0.1:" + port + "/validate");
                    awaitReady(https, port, server);
                    int rate = phase.equals("warm") ? warmRate : coldRate;
                    int seconds = phase.equals("warm") ? warmSeconds : coldSeconds;
                    for (int step = 1; step <= 5; step++) {
                        run(https, uri, body, Math.max(1, rate * step / 5), 4, "warm-up " + phase, false);
                    }
                    run(https, uri, body, rate, seconds, phase, true);
                } finally {
                    server.destroy();
                    server.waitFor();
                }
            }
        } finally {
            if (System.getenv("BENCH_KEEP") == null) {
                new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
            } else {
                System.out.println("kept " + work);
            }
        }
    }

    /**
     * The floor under a cold verification on this registry at this rate: for each image, in
     * parallel on virtual threads, the one read no verifier can skip — the .sig manifest (the
     * signature layer of a payload without annotations is predicted, not read) — through the same
     * registry client, with no verification at all. Printed like a phase: the comparison measured
     * in the same run.
     */
    private static void floor(RegistryClient client, List<String> images, int rate, int seconds, boolean print)
            throws Exception {
        int total = rate * seconds;
        long[] latency = new long[total];
        AtomicInteger errors = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                awaitDue(due);
                int n = i;
                all.add(pool.submit(() -> {
                    List<Future<?>> chains = new ArrayList<>();
                    for (String image : images) {
                        ImageReference ref = ImageReference.parse(image);
                        chains.add(pool.submit(() -> client.manifest(ref.withTag(ref.digest().referrersTag() + ".sig")
                                .withDigest(null)).orElseThrow()));
                    }
                    try {
                        for (var c : chains) {
                            c.get();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latency[n] = System.nanoTime() - due;
                }));
            }
            for (var f : all) {
                f.get();
            }
        }
        if (!print) {
            return;
        }
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        System.out.printf("floor %4d req/s (3 images x .sig manifest, no verification): p50 %6.2f ms  p99 %6.2f ms"
                + "  max %7.2f ms  errors %d%n", rate, sorted[total / 2] / 1e6, p99(sorted) / 1e6,
                sorted[total - 1] / 1e6, errors.get());
    }

    static void awaitReady(HttpClient https, int port, Process server) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("trustplane serve exited with " + server.exitValue());
            }
            try {
                HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                        + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("trustplane serve did not become ready");
    }

    private static void run(HttpClient https, URI uri, String body, int rate, int seconds, String label, boolean print)
            throws Exception {
        run(https, List.of(uri), body, rate, seconds, label, print);
    }

    /**
     * Sends {@code rate} reviews a second for {@code seconds} (open loop), round-robin over
     * {@code uris} as a Service spreads them; prints the latencies when {@code print}; returns p99 of
     * the whole run and the median of the 5 s windows' p99s (robust to one stall), in nanoseconds.
     */
    static long[] run(HttpClient https, List<URI> uris, String body, int rate, int seconds, String label,
            boolean print) throws Exception {
        int total = rate * seconds;
        long[] latency = new long[total];
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        List<CompletableFuture<?>> inFlight = new ArrayList<>(total);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            awaitDue(due);
            int n = i;
            HttpRequest request = HttpRequest.newBuilder(uris.get(i % uris.size())).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body.replace("UID", UUID.randomUUID().toString()))).build();
            inFlight.add(https.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
                latency[n] = System.nanoTime() - due;
                if (t != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                } else if (!r.body().contains("\"allowed\":true")) {
                    denied.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(t -> null).join();
        long elapsed = System.nanoTime() - start;
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        int window = rate * 5;
        StringBuilder windows = new StringBuilder();
        List<Long> windowP99 = new ArrayList<>();
        for (int w = 0; w + window <= total; w += window) {
            long[] part = Arrays.copyOfRange(latency, w, w + window);
            Arrays.sort(part);
            windowP99.add(p99(part));
            windows.append(String.format(" %.1f", p99(part) / 1e6));
        }
        windowP99.sort(null);
        long median = windowP99.isEmpty() ? p99(sorted) : windowP99.get(windowP99.size() / 2);
        if (!print) {
            return new long[] {p99(sorted), median};
        }
        System.out.printf("%-5s %4d req/s target, %6.1f achieved, %3d s: p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms"
                + "  errors %d  denied %d  (%d requests)%n", label, rate, total / (elapsed / 1e9), seconds,
                sorted[total / 2] / 1e6, p99(sorted) / 1e6, sorted[total - 1] / 1e6,
                errors.get(), denied.get(), total);
        System.out.println("      p99 per 5 s window (ms):" + windows);
        return new long[] {p99(sorted), median};
    }

    /** Open loop: waits until a request is due, never longer; a late request is sent at once. */
    private static void awaitDue(long due) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    static long p99(long[] sorted) {
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    static String review(List<String> images) {
        StringBuilder containers = new StringBuilder();
        for (int i = 0; i < images.size(); i++) {
            containers.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"")
                    .append(images.get(i)).append("\"}");
        }
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"UID\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"group\":\"\",\"version\":"
                + "\"v1\",\"resource\":\"pods\"},\"namespace\":\"bench\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":"
                + "\"system:serviceaccount:kube-system:replicaset-controller\"},\"object\":{\"apiVersion\":\"v1\",\"kind\":"
                + "\"Pod\",\"metadata\":{\"generateName\":\"web-\",\"namespace\":\"bench\",\"labels\":{\"app\":\"web\"}},"
                + "\"spec\":{\"containers\":[" + containers + "]}},\"dryRun\":false}}";
    }

    static ImageReference pushSigned(RegistryPeer registry, RegistryClient client, SigningKey key, Path work, int n) {
        ImageReference pinned = SampleImages.push(client, registry.host(), work, "bench/app" + n, n, 1024);
        new Signer(EvidenceStore.open(new Location.Registry(pinned), client), key, Clock.systemUTC())
                .sign(client.head(pinned).orElseThrow(), Map.of(), Signer.Format.ALL);
        return pinned;
    }

    static HttpClient client(String caPem) {
        return HttpClient.newBuilder().sslContext(WebhookCertificates.trusting(caPem, "the bench CA"))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
