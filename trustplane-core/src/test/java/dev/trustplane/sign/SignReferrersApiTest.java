package dev.trustplane.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.testkit.FakeRegistry;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Bundles on a registry with the referrers API: no fallback tag is written, and the API finds them. */
class SignReferrersApiTest {

    @Test
    void shouldUseTheReferrersApiWhenTheRegistryHasIt() throws Exception {
        try (FakeRegistry registry = FakeRegistry.start().withReferrersApi()) {
            byte[] manifest = registry.putImage("app", "v1");
            String digest = FakeRegistry.digest(manifest);
            ImageReference ref = ImageReference.parse(registry.host() + "/app@" + digest);
            EvidenceStore store = EvidenceStore.open(new Location.Registry(ref), RegistryClient.builder().build());
            SigningKey key = Keys.generate();
            Descriptor image = Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(digest), manifest.length);

            Signer signer = new Signer(store, key, Clock.systemUTC());
            signer.sign(image, Map.of(), Set.of(Signer.Format.BUNDLE));
            signer.attest(image, PredicateTypes.SLSA_V1, "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                    Set.of(Signer.Format.BUNDLE));
            Verifier verifier = new Verifier(store, Trust.keys(List.of(key.publicKey()), true), VerifierLimits.DEFAULT);

            VerificationReport signatures = verifier.signatures("app", image.digest());
            VerificationReport attestations = verifier.attestations("app", image.digest(), "slsaprovenance1");

            assertThat(signatures.verified()).hasSize(1);
            assertThat(attestations.verified()).hasSize(1);
            assertThat(registry.requests()).noneMatch(r -> r.startsWith("PUT") && r.contains("/manifests/sha256-"));
            assertThat(registry.requests()).anyMatch(r -> r.startsWith("GET") && r.contains("/referrers/"));
        }
    }
}
