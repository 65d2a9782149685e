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
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.testkit.FakeRegistry;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A signer in another process overwrites our {@code .sig} write with one based on an older read
 * (the lost update the distribution API cannot prevent): the read-back after the settle delay
 * must notice that our layer is gone and write it again, keeping the other signer's layer too.
 * The real registry shows this only by chance; the fake makes it happen on every run.
 */
class CosignTagsLostUpdateTest {

    @Test
    void shouldWriteTheSignatureAgainWhenAnotherWriterOverwroteIt() {
        try (FakeRegistry registry = FakeRegistry.start()) {
            byte[] manifest = registry.putImage("app", "v1");
            String digest = FakeRegistry.digest(manifest);
            ImageReference ref = ImageReference.parse(registry.host() + "/app@" + digest);
            EvidenceStore store = EvidenceStore.open(new Location.Registry(ref), RegistryClient.builder().build());
            Descriptor image = Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(digest), manifest.length);
            String sigTag = image.digest().referrersTag() + ".sig";
            SigningKey first = Keys.generate();
            SigningKey elsewhere = Keys.generate();
            SigningKey ours = Keys.generate();

            new Signer(store, first, Clock.systemUTC()).sign(image, Map.of(), Set.of(Signer.Format.TAG));
            byte[] before = registry.manifest("app", sigTag);
            new Signer(store, elsewhere, Clock.systemUTC()).sign(image, Map.of(), Set.of(Signer.Format.TAG));
            byte[] theirs = registry.manifest("app", sigTag);
            registry.putManifest("app", sigTag, MediaTypes.OCI_MANIFEST, before);
            registry.loseNextPut("app", sigTag, MediaTypes.OCI_MANIFEST, theirs);
            int requestsBefore = registry.requests().size();

            new Signer(store, ours, Clock.systemUTC()).sign(image, Map.of(), Set.of(Signer.Format.TAG));

            VerificationReport report = new Verifier(store, Trust.keys(List.of(first.publicKey(),
                    elsewhere.publicKey(), ours.publicKey()), true), VerifierLimits.DEFAULT)
                    .signatures("app", image.digest());
            assertThat(report.evidence()).filteredOn(Evidence::verified).extracting(Evidence::signer)
                    .containsExactlyInAnyOrder(first.hint(), elsewhere.hint(), ours.hint());
            List<String> tagPuts = registry.requests().subList(requestsBefore, registry.requests().size()).stream()
                    .filter(r -> r.equals("PUT /v2/app/manifests/" + sigTag)).toList();
            assertThat(tagPuts).as("the first write was lost, the second kept").hasSize(2);
        }
    }
}
