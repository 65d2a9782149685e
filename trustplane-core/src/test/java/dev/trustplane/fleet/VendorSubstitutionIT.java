package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.admission.LedgerEntry;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.sign.KeylessSigning;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.store.Store;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.testkit.SigstorePeer;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.VerifierLimits;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vendor neutrality: the same policy, drift pass and findings for three vendors — two signing
 * keylessly under different identities through the local Fulcio and Rekor (npm @sigstore/mock),
 * and a self-built image signed with a key. The policy is one template in which only the image
 * references and the attestor differ; every vendor lives through the same story (admitted and
 * running, an unsigned push under its tag, its signer revoked) and must end in the same findings,
 * once image references and identities are written as placeholders.
 */
class VendorSubstitutionIT {
    @TempDir
    static Path work;
    static RegistryPeer registry;
    static SigstorePeer sigstore;
    static RegistryClient client;
    static PolicyLoader loader;

    /** One vendor: where its images live, how it signs, how a policy names its signer, how to revoke it. */
    record Vendor(String name, String repository, Consumer<ImageReference> sign, String attestor,
            Consumer<RevocationStore> revoke) {
    }

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryPeer.start(work.resolve("registry"));
        sigstore = SigstorePeer.start(work.resolve("sigstore"));
        client = RegistryClient.builder().build();
        byte[] root = Files.readAllBytes(sigstore.trustedRoot());
        loader = new PolicyLoader(TrustedRoot.parse(root, "trusted_root.json"), root);
    }

    @AfterAll
    static void stop() {
        sigstore.close();
        registry.close();
    }

    static Consumer<ImageReference> keyless(String who) {
        return ref -> {
            KeylessSigning keyless = KeylessSigning.obtain(new KeylessSigning.Endpoints(URI.create(sigstore.url()),
                    URI.create(sigstore.url())), SigstorePeer.identityToken(who));
            new Signer(EvidenceStore.open(new Location.Registry(ref), client), keyless, Clock.systemUTC())
                    .sign(client.head(ref).orElseThrow(), Map.of(), Signer.Format.ALL);
        };
    }

    static String keylessAttestor(String who) {
        return "{keyless: {subject: \"" + who + "\", issuer: \"" + SigstorePeer.ISSUER + "\"}}";
    }

    @Test
    void shouldFindTheSameThingsWhateverTheVendor() throws Exception {
        SigningKey ours = Keys.generate();
        List<Vendor> vendors = List.of(
                new Vendor("vendor-a", "vendor-a/base", keyless("release@vendor-a.example"),
                        keylessAttestor("release@vendor-a.example"),
                        r -> r.revokeIdentity("release@vendor-a.example", SigstorePeer.ISSUER, null, "revoked", null)),
                new Vendor("vendor-b", "vendor-b/hardened/base", keyless("builder@vendor-b.example"),
                        keylessAttestor("builder@vendor-b.example"),
                        r -> r.revokeIdentity("builder@vendor-b.example", SigstorePeer.ISSUER, null, "revoked", null)),
                new Vendor("self-built", "platform/base", ref -> new Signer(EvidenceStore.open(
                        new Location.Registry(ref), client), ours, Clock.systemUTC()).sign(client.head(ref).orElseThrow(),
                        Map.of(), Signer.Format.ALL),
                        "{keys: {publicKeys: \"" + Keys.publicPem(ours.publicKey()).replace("\n", "\\n")
                                + "\", rekor: {ignoreTlog: true}}}",
                        r -> r.revokeKey(ours.publicKey(), null, null, "revoked", null)));
        List<List<String>> stories = new ArrayList<>();
        for (Vendor v : vendors) {
            stories.add(story(v));
        }
        assertThat(stories.get(0)).as("vendor-a").containsExactly(
                "1 ",
                "2 TAG_MOVED Deployment prod/app containers[0] (app) running=RUNNING tag=MOVED signers=0",
                "3 REVOKED_SIGNER Deployment prod/app containers[0] (app) running=RUNNING tag=null signers=1;"
                        + " TAG_MOVED Deployment prod/app containers[0] (app) running=RUNNING tag=MOVED signers=0");
        assertThat(stories.get(1)).as("vendor-b vs vendor-a").isEqualTo(stories.get(0));
        assertThat(stories.get(2)).as("self-built vs vendor-a").isEqualTo(stories.get(0));
    }

    /** One vendor's story, as the findings of each pass with its references written as placeholders. */
    static List<String> story(Vendor v) throws Exception {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: base-images}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: signed-base
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["IMAGES"]
                          mutateDigest: false
                          verifyDigest: false
                          attestors: [{entries: [ATTESTOR]}]
                """.replace("IMAGES", registry.host() + "/" + v.repository() + "*").replace("ATTESTOR", v.attestor());
        List<Policy> policies = loader.parse(policy.getBytes(StandardCharsets.UTF_8), v.name() + ".yaml").orThrow();
        Store store = Store.embedded(work.resolve(v.name() + "/trustplane.db"));
        RevocationStore revocations = new RevocationStore(store);
        RegistryImageVerifier verifier = new RegistryImageVerifier(client, VerifierLimits.DEFAULT, Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 100, revocations::current);
        DriftPass drift = new DriftPass(policies, verifier, store, Clock.systemUTC(), Duration.ofSeconds(30));

        ImageReference signed = push(v, 1);
        v.sign().accept(signed);
        try (AdmissionLedger ledger = new AdmissionLedger(store, 100, Duration.ofSeconds(5), null, EventListener.NONE)) {
            ledger.record(List.of(new LedgerEntry(System.currentTimeMillis(), "u1", "VALIDATE", "CREATE", false, "prod",
                    "Deployment", "app", "containers[0] (app)", tag(signed), signed.digest().toString(), List.of(),
                    "base-images", "signed-base", "h", "PASS", "Enforce", true, "ok")));
        }
        Inventory fleet = Inventory.of(fleet(signed), "test", Instant.now());
        List<String> story = new ArrayList<>();
        story.add("1 " + describe(drift.run(fleet, Set.of()), v, signed, null));
        ImageReference unsigned = push(v, 2); // an unsigned push under the same tag
        story.add("2 " + describe(drift.run(fleet, Set.of()), v, signed, unsigned));
        v.revoke().accept(revocations);
        story.add("3 " + describe(drift.run(fleet, Set.of()), v, signed, unsigned));
        return story;
    }

    static ImageReference push(Vendor v, long seed) {
        Path dir = work.resolve(v.name() + "/img" + seed);
        RawManifest image = TestImages.write(OciLayout.openOrCreate(dir), "v1", 1, 200, v.name().hashCode() + seed);
        String ref = registry.host() + "/" + v.repository() + ":stable";
        new ImageCopier(client, EventListener.NONE, 2).copy(Location.parse("oci:" + dir + ":v1"), Location.parse(ref));
        return ImageReference.parse(ref).pinned(image.digest());
    }

    static String tag(ImageReference ref) {
        return ref.name() + ":stable";
    }

    /** A Deployment whose one pod runs {@code image} at its digest. */
    static List<JsonNode> fleet(ImageReference image) throws Exception {
        String json = """
                [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app", "namespace": "prod"}},
                 {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "app-1", "namespace": "prod",
                  "ownerReferences": [{"kind": "Deployment", "name": "app", "controller": true}]}},
                 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app-1-a", "namespace": "prod",
                  "generateName": "app-1-", "ownerReferences": [{"kind": "ReplicaSet", "name": "app-1", "controller": true}]},
                  "spec": {"containers": [{"name": "app", "image": "TAG"}]},
                  "status": {"phase": "Running", "containerStatuses": [{"name": "app", "imageID": "NAME@DIGEST"}]}}]
                """.replace("TAG", tag(image)).replace("NAME", image.name()).replace("DIGEST", image.digest().toString());
        List<JsonNode> out = new ArrayList<>();
        Json.mapper().readTree(json).forEach(out::add);
        return out;
    }

    /** The pass's open findings, with the vendor's references and identities as placeholders. */
    static String describe(DriftPass.Result result, Vendor v, ImageReference running, ImageReference moved) {
        List<String> lines = new ArrayList<>();
        for (Finding f : result.open()) {
            String line = f.kind() + " " + f.workloadLabel() + " " + f.container() + " running=" + f.runningDigest()
                    + " tag=" + f.tagDigest() + " signers=" + f.signers().size();
            line = line.replace(running.digest().toString(), "RUNNING");
            if (moved != null) {
                line = line.replace(moved.digest().toString(), "MOVED");
            }
            lines.add(line);
        }
        lines.sort(null);
        assertThat(result.incomplete()).as(v.name()).isEmpty();
        return String.join("; ", lines);
    }
}
