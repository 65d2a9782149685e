package dev.trustplane.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.event.EventListener;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.testkit.PostgresPeer;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.testkit.SamplePolicies;
import dev.trustplane.trust.RevocationStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicas' shared verification cache on a real PostgreSQL: a verification one replica did
 * answers another replica while the registry is down; once the trust state moves (a revocation
 * anywhere), the stored result no longer answers — the second replica must verify again, cannot,
 * and Enforce denies.
 */
class SharedVerificationsIT {
    @TempDir
    Path work;

    @Test
    void shouldLetAnotherReplicaReuseAVerificationOnlyUnderTheSameTrustState() throws Exception {
        try (PostgresPeer postgres = PostgresPeer.start()) {
            RegistryPeer registry = RegistryPeer.start(work.resolve("registry"));
            RegistryClient client = RegistryClient.builder().build();
            Path layout = work.resolve("img");
            RawManifest image = TestImages.write(OciLayout.openOrCreate(layout), "v1", 1, 300, 7);
            String tag = registry.host() + "/shop/web:v1";
            new ImageCopier(client, EventListener.NONE, 2).copy(Location.parse("oci:" + layout + ":v1"),
                    Location.parse(tag));
            ImageReference pinned = ImageReference.parse(tag).pinned(image.digest());
            SigningKey key = Keys.generate();
            new Signer(EvidenceStore.open(new Location.Registry(pinned), client), key, Clock.systemUTC())
                    .sign(client.head(pinned).orElseThrow(), Map.of(), Signer.Format.ALL);
            Path policies = Files.createDirectories(work.resolve("policies"));
            Files.writeString(policies.resolve("p.yaml"), SamplePolicies.signedBy(registry.host() + "/*",
                    Keys.publicPem(key.publicKey())));

            try (AdmissionController a = replica(postgres, policies); AdmissionController b = replica(postgres, policies)) {
                assertThat(a.sharedVerifications()).as("PostgreSQL: shared").isNotNull();
                assertThat(admitted(a, pinned)).isTrue();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (a.sharedVerifications().written() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(a.sharedVerifications().written()).isEqualTo(1);

                registry.close(); // from now on nobody can verify against the registry
                assertThat(admitted(b, pinned)).as("b reuses a's verification").isTrue();
                assertThat(b.sharedHits()).isEqualTo(1);

                // the trust state moves — the signing key is revoked: no replica may answer from before
                Store store = Store.open(postgres.jdbcUrl(), postgres.user(), null);
                new RevocationStore(store).revokeKey(key.publicKey(), null, null, "key leaked", "test");
                assertThat(admitted(a, pinned)).as("a judges what it read again: revoked").isFalse();
                assertThat(admitted(b, pinned)).as("b too").isFalse();
                try (AdmissionController c = replica(postgres, policies)) {
                    assertThat(admitted(c, pinned)).as("a new replica finds no result for the new state").isFalse();
                    assertThat(c.sharedHits()).isZero();
                }
            }
        }
    }

    private static AdmissionController replica(PostgresPeer postgres, Path policies) {
        return AdmissionController.open(new AdmissionController.Config(policies, new PolicyLoader(null, null),
                Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMillis(1), 1000,
                Store.open(postgres.jdbcUrl(), postgres.user(), null), null, null, null),
                RegistryClient.builder().build(), EventListener.NONE);
    }

    private static boolean admitted(AdmissionController controller, ImageReference image) {
        String body = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u1\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"group\":\"\",\"version\":"
                + "\"v1\",\"resource\":\"pods\"},\"namespace\":\"shop\",\"name\":\"web\",\"operation\":\"CREATE\","
                + "\"userInfo\":{\"username\":\"ci\"},\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                + "{\"name\":\"web\",\"namespace\":\"shop\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\""
                + image + "\"}]}},\"dryRun\":false}}";
        AdmissionService.Answer answer = controller.service().review(body.getBytes(StandardCharsets.UTF_8),
                Phase.VALIDATE);
        assertThat(answer.status()).isEqualTo(200);
        return !answer.evaluation().denied();
    }
}
