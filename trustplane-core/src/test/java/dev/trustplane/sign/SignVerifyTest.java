package dev.trustplane.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.error.Outcome;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.SimpleSigning;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and verification in an OCI layout: every format, and each way evidence can be wrong. */
class SignVerifyTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
    static final byte[] PROVENANCE = "{\"buildDefinition\":{\"buildType\":\"x\"},\"runDetails\":{\"builder\":{\"id\":\"y\"}}}"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    OciLayout layout;
    EvidenceStore store;
    RawManifest image;
    SigningKey key;

    @BeforeEach
    void setUp() {
        layout = OciLayout.openOrCreate(dir);
        image = TestImages.write(layout, "v1", 1, 100, 1);
        store = EvidenceStore.open(Location.parse("oci:" + dir + ":v1"), null);
        key = Keys.generate();
    }

    private Verifier verifier(SigningKey... keys) {
        return verifier(VerifierLimits.DEFAULT, keys);
    }

    private Verifier verifier(VerifierLimits limits, SigningKey... keys) {
        return new Verifier(store, Trust.keys(Arrays.stream(keys).map(SigningKey::publicKey).toList(), true),
                limits);
    }

    @Test
    void shouldVerifySignatureInBothFormatsWhenSignedWithTheKey() {
        List<Signer.Stored> stored = new Signer(store, key, CLOCK).sign(image.descriptor(), Map.of("team", "a"),
                Signer.Format.ALL);

        VerificationReport report = verifier(key).signatures("img", image.digest());

        assertThat(stored).extracting(Signer.Stored::format).containsExactlyInAnyOrder(Signer.Format.TAG,
                Signer.Format.BUNDLE);
        assertThat(report.evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(report.evidence()).extracting(Evidence::format).containsExactlyInAnyOrder(
                Evidence.Format.COSIGN_TAG, Evidence.Format.BUNDLE_REFERRER);
        assertThat(report.evidence()).extracting(Evidence::signer).containsOnly(key.hint());
        assertThat(layout.resolveTag(image.digest().referrersTag() + ".sig")).isPresent();
    }

    @Test
    void shouldVerifyAttestationAndCheckItsPredicateType() {
        new Signer(store, key, CLOCK).attest(image.descriptor(), PredicateTypes.SLSA_V1, PROVENANCE, Signer.Format.ALL);

        VerificationReport slsa = verifier(key).attestations("img", image.digest(), "slsaprovenance1");
        VerificationReport cdx = verifier(key).attestations("img", image.digest(), "cyclonedx");

        assertThat(slsa.evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(new String(slsa.evidence().get(0).statement(), StandardCharsets.UTF_8))
                .contains("\"_type\":\"https://in-toto.io/Statement/v1\"", "\"predicateType\":\"https://slsa.dev/provenance/v1\"");
        assertThat(cdx.anyVerified()).isFalse();
        assertThat(cdx.evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage()).isEqualTo("type"));
    }

    @Test
    void shouldPredictPlainSimpleSigningPayloadsInsteadOfFetchingThem() {
        MemoryEvidenceStore memory = new MemoryEvidenceStore();
        SigningKey annotating = Keys.generate();
        new Signer(memory, key, CLOCK).sign(image.descriptor(), Map.of(), Set.of(Signer.Format.TAG));
        new Signer(memory, annotating, CLOCK).sign(image.descriptor(), Map.of("team", "a"), Set.of(Signer.Format.TAG));
        List<Descriptor> layers = CosignTags.layers(memory, image.digest().referrersTag() + ".sig").orElseThrow();

        VerificationReport report = new Verifier(memory, Trust.keys(List.of(key.publicKey(), annotating.publicKey()),
                true), VerifierLimits.DEFAULT).signatures("img", image.digest());
        VerificationReport otherImage = new Verifier(memory, Trust.keys(List.of(key.publicKey()), true),
                VerifierLimits.DEFAULT).signatures("img", digestOf("another image"));

        assertThat(report.evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(report.evidence()).extracting(Evidence::signer).containsExactly(key.hint(), annotating.hint());
        assertThat(memory.blobsRead).as("only the payload with annotations is fetched")
                .containsExactly(layers.get(1).digest());
        assertThat(otherImage.evidence()).isEmpty();
    }

    @Test
    void shouldNeverTakeAPredictedPayloadWhoseDigestDiffers() {
        byte[] payload = new SimpleSigning("memory/app", image.digest(), SimpleSigning.TYPE, Map.of()).toJson();
        Descriptor honest = Descriptor.of(CosignTags.SIMPLE_SIGNING_LAYER, payload);
        Descriptor otherDigest = Descriptor.of(CosignTags.SIMPLE_SIGNING_LAYER, digestOf("x"), payload.length);
        Descriptor otherSize = Descriptor.of(CosignTags.SIMPLE_SIGNING_LAYER, honest.digest(), payload.length + 1);

        assertThat(SimpleSigning.predictedPayload(honest, image.digest(), "memory/app")).hasValue(payload);
        assertThat(SimpleSigning.predictedPayload(honest, digestOf("y"), "memory/app")).isEmpty();
        assertThat(SimpleSigning.predictedPayload(honest, image.digest(), "memory/other")).isEmpty();
        assertThat(SimpleSigning.predictedPayload(otherDigest, image.digest(), "memory/app")).isEmpty();
        assertThat(SimpleSigning.predictedPayload(otherSize, image.digest(), "memory/app")).isEmpty();
    }

    @Test
    void shouldStopAtTheFirstVerifiedSignatureButReadEverythingWhenNoneVerifies() {
        new Signer(store, key, CLOCK).sign(image.descriptor(), Map.of(), Signer.Format.ALL);

        VerificationReport first = verifier(key).firstVerifiedSignature("img", image.digest());
        VerificationReport none = verifier(Keys.generate()).firstVerifiedSignature("img", image.digest());

        assertThat(first.anyVerified()).isTrue();
        assertThat(first.evidence()).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        assertThat(first.problems()).isEmpty();
        assertThat(none.anyVerified()).isFalse();
        assertThat(none.evidence()).hasSize(2).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("signature"));
    }

    @Test
    void shouldNotFetchAttestationBundlesWhenLookingForSignatures() {
        MemoryEvidenceStore memory = new MemoryEvidenceStore();
        new Signer(memory, key, CLOCK).sign(image.descriptor(), Map.of(), Signer.Format.ALL);
        List<Signer.Stored> attested = new Signer(memory, key, CLOCK).attest(image.descriptor(), PredicateTypes.SLSA_V1,
                PROVENANCE, Signer.Format.ALL);
        Digest attestationBundle = attested.stream().filter(x -> x.format() == Signer.Format.BUNDLE).findFirst()
                .orElseThrow().manifest();

        VerificationReport report = new Verifier(memory, Trust.keys(List.of(key.publicKey()), true),
                VerifierLimits.DEFAULT).signatures("img", image.digest());

        assertThat(report.evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(memory.fetched).hasSize(1).doesNotContain(attestationBundle);
    }

    @Test
    void shouldFailSignatureStageWhenKeyIsAnother() {
        new Signer(store, key, CLOCK).sign(image.descriptor(), Map.of(), Signer.Format.ALL);

        VerificationReport report = verifier(Keys.generate()).signatures("img", image.digest());

        assertThat(report.anyVerified()).isFalse();
        assertThat(report.evidence()).hasSize(2).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("signature"));
    }

    @Test
    void shouldVerifyWhenAnyOfSeveralKeysSigned() {
        new Signer(store, key, CLOCK).sign(image.descriptor(), Map.of(), Set.of(Signer.Format.TAG));

        assertThat(verifier(Keys.generate(), key).signatures("img", image.digest()).anyVerified()).isTrue();
    }

    @Test
    void shouldFailSubjectStageWhenSignatureIsCopiedToAnotherImage() {
        RawManifest other = TestImages.write(layout, "v2", 1, 100, 2);
        new Signer(store, key, CLOCK).sign(image.descriptor(), Map.of(), Set.of(Signer.Format.TAG));
        String sigTag = image.digest().referrersTag() + ".sig";
        RawManifest sig = layout.readManifest(layout.resolveTag(sigTag).orElseThrow());
        layout.tag(other.digest().referrersTag() + ".sig", sig.descriptor());

        VerificationReport report = verifier(key).signatures("img", other.digest());

        assertThat(report.evidence()).hasSize(1);
        assertThat(report.evidence().get(0).failure().orElseThrow().stage()).isEqualTo("subject");
        assertThat(report.evidence().get(0).failure().orElseThrow().detail()).contains("not this image");
    }

    @Test
    void shouldFailTlogStageWhenNotIgnoredAndNoEntry() {
        new Signer(store, key, CLOCK).sign(image.descriptor(), Map.of(), Signer.Format.ALL);

        VerificationReport report = new Verifier(store, Trust.keys(List.of(key.publicKey()), false),
                VerifierLimits.DEFAULT).signatures("img", image.digest());

        assertThat(report.anyVerified()).isFalse();
        assertThat(report.evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage()).isEqualTo("tlog"));
    }

    @Test
    void shouldFailSignatureStageWhenPayloadIsTampered() {
        byte[] payload = new SimpleSigning("img", image.digest(), SimpleSigning.TYPE, Map.of()).toJson();
        String sig = Base64.getEncoder().encodeToString(SignatureAlgorithms.sign(key.privateKey(), payload));
        byte[] tampered = new String(payload, StandardCharsets.UTF_8).replace("\"optional\":null",
                "\"optional\":{\"x\":\"y\"}").getBytes(StandardCharsets.UTF_8);
        CosignTags.append(store, image.digest().referrersTag() + ".sig", tampered, CosignTags.SIMPLE_SIGNING_LAYER,
                Map.of(CosignTags.SIGNATURE_ANNOTATION, sig));

        Evidence e = verifier(key).signatures("img", image.digest()).evidence().get(0);

        assertThat(e.verified()).isFalse();
        assertThat(e.failure().orElseThrow().stage()).isEqualTo("signature");
    }

    @Test
    void shouldReportReadErrorWhenEnvelopeExceedsTheLimit() {
        new Signer(store, key, CLOCK).attest(image.descriptor(), PredicateTypes.SLSA_V1, PROVENANCE,
                Set.of(Signer.Format.TAG));

        VerificationReport report = verifier(new VerifierLimits(1 << 20, 100, 10), key)
                .attestations("img", image.digest(), null);

        assertThat(report.evidence()).hasSize(1);
        Check failure = report.evidence().get(0).failure().orElseThrow();
        assertThat(failure.stage()).isEqualTo("read");
        assertThat(failure.status()).isEqualTo(Outcome.ERROR);
        assertThat(failure.detail()).contains("max-evidence-bytes");
    }

    @Test
    void shouldFailEnvelopeStageWhenEnvelopeIsTruncated() {
        byte[] envelope = "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"eyJf".getBytes(
                StandardCharsets.UTF_8);
        CosignTags.append(store, image.digest().referrersTag() + ".att", envelope, CosignTags.DSSE_LAYER,
                Map.of("predicateType", PredicateTypes.SLSA_V1));

        Evidence e = verifier(key).attestations("img", image.digest(), null).evidence().get(0);

        assertThat(e.failure().orElseThrow().stage()).as(e.failure().toString()).isEqualTo("envelope");
        assertThat(e.failure().orElseThrow().detail()).isEqualTo("the DSSE envelope is not JSON");
    }

    @Test
    void shouldRefuseSignatureManifestWithThousandsOfLayers() {
        List<Descriptor> layers = new ArrayList<>();
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
        layout.writeBlob(payload);
        for (int i = 0; i < 300; i++) {
            layers.add(Descriptor.of(CosignTags.SIMPLE_SIGNING_LAYER, payload)
                    .withAnnotations(Map.of(CosignTags.SIGNATURE_ANNOTATION, "x" + i)));
        }
        layout.writeBlob(MediaTypes.EMPTY_JSON);
        RawManifest huge = new ImageManifest(MediaTypes.OCI_MANIFEST, null,
                Descriptor.of(MediaTypes.OCI_CONFIG, MediaTypes.EMPTY_JSON), layers, null, null, null).toRaw();
        store.putTagged(image.digest().referrersTag() + ".sig", huge);

        VerificationReport report = verifier(key).signatures("img", image.digest());

        assertThat(report.evidence()).isEmpty();
        assertThat(report.problems()).singleElement().asString().contains("max-signature-layers");
    }

    @Test
    void shouldKeepEverySignerWhenSigningConcurrently() throws Exception {
        List<SigningKey> keys = List.of(Keys.generate(), Keys.generate(), Keys.generate(), Keys.generate());
        ExecutorService pool = Executors.newFixedThreadPool(keys.size());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (SigningKey k : keys) {
                futures.add(pool.submit(() -> new Signer(store, k, CLOCK).sign(image.descriptor(), Map.of(),
                        Set.of(Signer.Format.TAG))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        VerificationReport report = verifier(keys.toArray(SigningKey[]::new)).signatures("img", image.digest());

        assertThat(report.evidence()).hasSize(4).allMatch(Evidence::verified);
        assertThat(report.evidence()).extracting(Evidence::signer).containsExactlyInAnyOrderElementsOf(
                keys.stream().map(SigningKey::hint).toList());
    }

    @Test
    void shouldFindNothingForAnUnsignedImage() {
        VerificationReport report = verifier(key).signatures("img", image.digest());

        assertThat(report.evidence()).isEmpty();
        assertThat(report.anyVerified()).isFalse();
        assertThat(report.problems()).isEmpty();
    }

    static Digest digestOf(String s) {
        return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
    }
}
