package dev.trustplane.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.admission.LedgerEntry;
import dev.trustplane.event.EventListener;
import dev.trustplane.fleet.DriftPass;
import dev.trustplane.fleet.FleetIndex;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.fleet.RunningWorkload;
import dev.trustplane.fleet.WorkloadKey;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.server.SampleImages;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.VerifierLimits;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Drift pass load (bench/drift): a synthetic fleet of PODS pods over DIGESTS distinct signed
 * digests in the real CNCF registry, each Deployment admitted in the ledger. Measures, in one run:
 * the floor (one plain manifest read per digest, 16 at a time), a cold pass (every digest
 * verified), a warm pass (verification cache warm; tags still asked), a pass right after a
 * revocation (every cache key changed: the fleet re-judged), and the heap after the passes.
 */
public final class DriftLoad {
    private DriftLoad() {
    }

    public static void main(String[] args) throws Exception {
        int pods = Integer.parseInt(args[0]);
        int digests = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path work = Files.createTempDirectory("trustplane-drift-bench");
        try (RegistryPeer registry = RegistryPeer.start(work)) {
            RegistryClient client = RegistryClient.builder().build();
            SigningKey key = Keys.generate();
            System.out.printf("pushing and signing %d images…%n", digests);
            long t0 = System.nanoTime();
            List<ImageReference> images = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<ImageReference>> futures = new ArrayList<>();
                for (int i = 0; i < digests; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> {
                        ImageReference ref = SampleImages.push(client, registry.host(), work.resolve("img"),
                                "bench/app" + n, 1000 + n, 64);
                        Descriptor d = client.head(ref).orElseThrow();
                        new Signer(EvidenceStore.open(new Location.Registry(ref), client), key, Clock.systemUTC())
                                .sign(d, Map.of(), Set.of(Signer.Format.TAG));
                        return ref;
                    }));
                }
                for (Future<ImageReference> f : futures) {
                    images.add(f.get());
                }
            }
            System.out.printf("  %d images ready in %.1f s%n", digests, (System.nanoTime() - t0) / 1e9);

            Store store = Store.embedded(work.resolve("state/trustplane.db"));
            try (AdmissionLedger ledger = new AdmissionLedger(store, 50_000, Duration.ofSeconds(5), null,
                    EventListener.NONE)) {
                long at = System.currentTimeMillis();
                for (int i = 0; i < digests; i++) {
                    ImageReference ref = images.get(i);
                    ledger.record(List.of(new LedgerEntry(at, "u" + i, "VALIDATE", "CREATE", false, "ns" + (i % 50),
                            "Deployment", "app" + i, "containers[0] (app)", ref.name() + ":v1", ref.digest().toString(),
                            List.of("key"), "signed", "signed", "h", "PASS", "Enforce", true, "ok")));
                }
            }
            Path inventory = work.resolve("fleet.json");
            Files.writeString(inventory, fleet(images, pods));
            String pem = Keys.publicPem(key.publicKey()).replace("\n", "\\n");
            byte[] policy = """
                    apiVersion: kyverno.io/v1
                    kind: ClusterPolicy
                    metadata: {name: signed}
                    spec:
                      validationFailureAction: Enforce
                      rules:
                        - name: signed
                          match: {any: [{resources: {kinds: [Pod]}}]}
                          verifyImages:
                            - imageReferences: ["REGISTRY/bench/*"]
                              mutateDigest: false
                              verifyDigest: false
                              attestors: [{entries: [{keys: {publicKeys: "KEY", rekor: {ignoreTlog: true}}}]}]
                    """.replace("REGISTRY", registry.host()).replace("KEY", pem).getBytes(StandardCharsets.UTF_8);
            List<Policy> policies = new PolicyLoader(null, null).parse(policy, "bench.yaml").orThrow();

            for (int round = 1; round <= rounds; round++) {
                System.out.printf("%nround %d%n", round);
                RegistryClient fresh = RegistryClient.builder().build();
                long f0 = System.nanoTime();
                try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                    List<Future<?>> reads = new ArrayList<>();
                    for (ImageReference ref : images) {
                        reads.add(pool.submit(() -> fresh.manifest(ref)));
                    }
                    for (Future<?> f : reads) {
                        f.get();
                    }
                }
                double floor = (System.nanoTime() - f0) / 1e9;
                // The reads a complete verification of one digest needs, issued plainly, 16 images at a
                // time: the tag (TAG_MOVED), the .sig manifest, its payload blob and the referrers
                // fallback tag (404: this registry has no referrers API).
                RegistryClient plain = RegistryClient.builder().build();
                long r0 = System.nanoTime();
                try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                    List<Future<?>> reads = new ArrayList<>();
                    for (ImageReference ref : images) {
                        reads.add(pool.submit(() -> {
                            ImageReference tag = new ImageReference(ref.registry(), ref.repository(), "v1", null);
                            plain.head(tag);
                            RawManifest sig = plain.manifest(tag.withTag(CosignTags.tag(ref.digest(), CosignTags.SIG)))
                                    .orElseThrow();
                            Descriptor payload = CosignTags.layersOf(sig, "bench").get(0);
                            try (var in = plain.openBlob(tag, payload)) {
                                in.readAllBytes();
                            }
                            plain.manifest(tag.withTag(ref.digest().referrersTag()));
                            return null;
                        }));
                    }
                    for (Future<?> f : reads) {
                        f.get();
                    }
                }
                double requestFloor = (System.nanoTime() - r0) / 1e9;
                Inventory fleet = Inventory.fromFiles(List.of(inventory));
                RevocationStore revocations = new RevocationStore(store);
                RegistryImageVerifier verifier = new RegistryImageVerifier(RegistryClient.builder().build(),
                        VerifierLimits.DEFAULT, Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMinutes(1),
                        100_000, revocations::current);
                DriftPass drift = new DriftPass(policies, verifier, store, Clock.systemUTC(), Duration.ofSeconds(30));
                double cold = time(() -> drift.run(fleet, Set.of()));
                double warm = time(() -> drift.run(fleet, Set.of()));
                double warmTrust = time(() -> drift.run(fleet, Set.of(), false));
                var revoked = revocations.revokeKey(key.publicKey(), null, null, "bench", null);
                double[] afterRevocation = new double[1];
                // as the server's loop runs it: a trust change re-judges without tag lookups
                DriftPass.Result result = timed(() -> drift.run(fleet, Set.of(), false), afterRevocation);
                revocations.unrevoke(revoked.id(), "bench");
                drift.run(fleet, Set.of(), false); // warm again, without the revocation
                // Pod events as the informer handles them: the pod applied to the in-memory fleet
                // (its workload found through its owners), that workload re-judged from its own
                // objects on the warm cache, its findings recorded.
                List<JsonNode> all = new ArrayList<>();
                Json.mapper().readTree(Files.readAllBytes(inventory)).path("items").forEach(all::add);
                FleetIndex index = new FleetIndex("bench");
                index.replace(all);
                Random random = new Random(round);
                long[] micros = new long[500];
                for (int e = 0; e < micros.length; e++) {
                    RunningWorkload w = fleet.workloads().get(random.nextInt(fleet.workloads().size()));
                    JsonNode pod = w.pods().get(random.nextInt(w.pods().size()));
                    long t = System.nanoTime();
                    for (WorkloadKey k : index.apply(pod, false)) {
                        drift.runFor(k, index.workload(k));
                    }
                    micros[e] = (System.nanoTime() - t) / 1000;
                }
                Arrays.sort(micros);
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.printf("  floor (%d plain manifest reads, 16 at a time): %.2f s%n", digests, floor);
                System.out.printf("  cold pass (%d pods, %d digests verified):     %.2f s  (ratio to floor %.2f)%n",
                        fleet.workloads().stream().mapToInt(w -> w.pods().size()).sum(), digests, cold, cold / floor);
                System.out.printf("  the reads a verification needs, plainly (4 per digest):  %.2f s  (cold pass / that:"
                        + " %.2f)%n", requestFloor, cold / requestFloor);
                System.out.printf("  warm pass, tags asked (interval pass):           %.2f s%n", warm);
                System.out.printf("  warm pass, no tag lookups (trust-change pass):   %.2f s%n", warmTrust);
                System.out.printf("  pass after a revocation (%d REVOKED_SIGNER):     %.2f s%n",
                        result.seen().size(), afterRevocation[0]);
                System.out.printf("  pod event re-judged (%d events, 200 pods per namespace): p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms%n", micros.length, micros[micros.length / 2] / 1000.0,
                        micros[micros.length * 99 / 100] / 1000.0, micros[micros.length - 1] / 1000.0);
                System.out.printf("  heap after the passes: %d MB; incomplete checks: %d%n", heap >> 20,
                        result.incomplete().size());
            }
            System.out.printf("%npeak heap committed: %d MB (max %d MB)%n",
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static <T> T timed(Supplier<T> s, double[] seconds) {
        long t = System.nanoTime();
        T v = s.get();
        seconds[0] = (System.nanoTime() - t) / 1e9;
        return v;
    }

    /** PODS pods: Deployments of PODS/DIGESTS replicas, each running its image at its digest. */
    static String fleet(List<ImageReference> images, int pods) {
        ArrayNode items = Json.mapper().createArrayNode();
        int perDeployment = Math.max(1, pods / images.size());
        for (int i = 0; i < images.size(); i++) {
            ImageReference ref = images.get(i);
            String ns = "ns" + (i % 50);
            String name = "app" + i;
            String tag = ref.name() + ":v1";
            ObjectNode d = items.addObject().put("apiVersion", "apps/v1").put("kind", "Deployment");
            d.putObject("metadata").put("name", name).put("namespace", ns);
            ObjectNode rs = items.addObject().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
            ObjectNode rsMeta = rs.putObject("metadata").put("name", name + "-abc").put("namespace", ns);
            rsMeta.putArray("ownerReferences").addObject().put("kind", "Deployment").put("name", name)
                    .put("controller", true);
            for (int p = 0; p < perDeployment; p++) {
                ObjectNode pod = items.addObject().put("apiVersion", "v1").put("kind", "Pod");
                ObjectNode meta = pod.putObject("metadata").put("name", name + "-abc-" + p).put("namespace", ns)
                        .put("generateName", name + "-abc-");
                meta.putArray("ownerReferences").addObject().put("kind", "ReplicaSet").put("name", name + "-abc")
                        .put("controller", true);
                pod.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", tag);
                ObjectNode status = pod.putObject("status").put("phase", "Running");
                status.putArray("containerStatuses").addObject().put("name", "app").put("image", tag)
                        .put("imageID", "docker-pullable://" + ref.name() + "@" + ref.digest());
            }
        }
        ObjectNode list = Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "List");
        list.set("items", items);
        return list.toString();
    }
}
