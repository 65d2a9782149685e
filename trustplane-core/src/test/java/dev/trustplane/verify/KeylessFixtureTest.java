package dev.trustplane.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Offline keyless verification of a fixture signed once by `trustplane sign`/`attest` against the
 * local Fulcio/Rekor (src/test/resources/sign/keyless: the layout and its trusted_root.json).
 * The certificates expired long ago; the Rekor entries' times are what count.
 */
class KeylessFixtureTest {
    static final Path FIXTURE = Path.of("src/test/resources/sign/keyless");
    static final String WHO = "ci@example.com";
    static final String ISSUER = "https://fake.oidcissuer.com";
    EvidenceStore store;
    TrustedRoot root;
    Digest image;

    @BeforeEach
    void setUp() throws Exception {
        store = EvidenceStore.open(Location.parse("oci:" + FIXTURE.resolve("layout") + ":app"), null);
        root = TrustedRoot.parse(Files.readAllBytes(FIXTURE.resolve("trusted_root.json")), "trusted_root.json");
        image = OciLayout.open(FIXTURE.resolve("layout")).resolveTag("app").orElseThrow().digest();
    }

    private Trust trust(String who) {
        return Trust.keyless(List.of(new CertificateIdentity(who, null, ISSUER, null, Map.of())), root, false, false);
    }

    @Test
    void shouldVerifyKeylessSignaturesAndAttestationsOffline() {
        Verifier verifier = new Verifier(store, trust(WHO), VerifierLimits.DEFAULT);

        VerificationReport signatures = verifier.signatures("fixture", image);
        VerificationReport attestations = verifier.attestations("fixture", image, PredicateTypes.SLSA_V1);

        assertThat(signatures.evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(attestations.evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(signatures.evidence()).allSatisfy(e -> assertThat(e.checks()).extracting(Check::stage)
                .contains("tlog", "certificate", "sct", "identity"));
    }

    @Test
    void shouldRejectAnotherIdentityAndAKeyWhereACertificateSigned() {
        VerificationReport other = new Verifier(store, trust("mallory@example.com"), VerifierLimits.DEFAULT)
                .signatures("fixture", image);
        VerificationReport byKey = new Verifier(store, Trust.keys(List.of(Keys.generate().publicKey()), false),
                VerifierLimits.DEFAULT).signatures("fixture", image);

        assertThat(other.evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("identity"));
        assertThat(byKey.anyVerified()).isFalse();
    }

    @Test
    void shouldNeverAcceptABundleWhoseCertificateWasMutated() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Descriptor referrer = store.referrers(image).stream()
                .filter(d -> Bundle.MEDIA_TYPE_V03.equals(d.artifactType())).findFirst().orElseThrow();
        Descriptor layer = ((ImageManifest) store.manifest(referrer).parse()).layers().get(0);
        ObjectNode bundle = (ObjectNode) json.readTree(store.blob(layer, 1 << 20));
        ObjectNode cert = (ObjectNode) bundle.path("verificationMaterial").path("certificate");
        byte[] der = Base64.getDecoder().decode(cert.path("rawBytes").asText());
        EvidenceChecks checks = new EvidenceChecks(trust(WHO), image, null);
        Random random = new Random(4);
        int accepted = 0;
        for (int i = 0; i < 300; i++) {
            byte[] mutated = der.clone();
            int flips = 1 + random.nextInt(3);
            for (int k = 0; k < flips; k++) {
                mutated[random.nextInt(mutated.length)] ^= (byte) (1 + random.nextInt(255));
            }
            cert.put("rawBytes", Base64.getEncoder().encodeToString(mutated));
            byte[] bytes = json.writeValueAsBytes(bundle);
            Evidence[] e = new Evidence[1];
            assertThatCode(() -> e[0] = checks.check(new Candidate(Evidence.Kind.SIGNATURE,
                    Evidence.Format.BUNDLE_REFERRER, "fuzz", null, new Candidate.BundleBytes(bytes))))
                    .doesNotThrowAnyException();
            accepted += e[0].verified() ? 1 : 0;
        }
        assertThat(accepted).isZero();
    }

    /** The fixture's signature bundle (cosign 3's sign/v1 statement) or attestation bundle, as JSON to edit. */
    private ObjectNode bundle(boolean attestation) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (Descriptor referrer : store.referrers(image)) {
            if (!Bundle.MEDIA_TYPE_V03.equals(referrer.artifactType())) {
                continue;
            }
            Descriptor layer = ((ImageManifest) store.manifest(referrer).parse()).layers().get(0);
            ObjectNode bundle = (ObjectNode) json.readTree(store.blob(layer, 1 << 20));
            String payload = new String(Base64.getDecoder().decode(bundle.path("dsseEnvelope").path("payload")
                    .asText()), StandardCharsets.UTF_8);
            if (payload.contains("https://sigstore.dev/cosign/sign/v1") != attestation) {
                return bundle;
            }
        }
        throw new AssertionError("no " + (attestation ? "attestation" : "signature") + " bundle in the fixture");
    }

    private Evidence check(ObjectNode bundle) throws Exception {
        byte[] bytes = new ObjectMapper().writeValueAsBytes(bundle);
        return new EvidenceChecks(trust(WHO), image, null).check(new Candidate(Evidence.Kind.SIGNATURE,
                Evidence.Format.BUNDLE_REFERRER, "edited", null, new Candidate.BundleBytes(bytes)));
    }

    private static ObjectNode entry(ObjectNode bundle) {
        return (ObjectNode) bundle.path("verificationMaterial").path("tlogEntries").get(0);
    }

    @Test
    void shouldRejectABundleV02WhoseLogEntryHasNoInclusionProof() throws Exception {
        ObjectNode bundle = bundle(false);
        assertThat(check(bundle).verified()).isTrue();
        entry(bundle).remove("inclusionProof");
        for (String mediaType : new String[] {Bundle.MEDIA_TYPE_V03,
                "application/vnd.dev.sigstore.bundle+json;version=0.2"}) {
            bundle.put("mediaType", mediaType);
            Check failure = check(bundle).failure().orElseThrow();
            assertThat(failure.stage()).isEqualTo("tlog");
            assertThat(failure.detail()).isEqualTo("the entry has no inclusion proof: bundles v0.2 and later must prove"
                    + " inclusion with a proof and a signed checkpoint; a signed entry timestamp alone is not enough");
        }
        // v0.1 bundles carried the signed entry timestamp alone
        bundle.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
        assertThat(check(bundle).verified()).isTrue();
    }

    @Test
    void shouldRejectACheckpointWhoseKeyHintNamesAnotherLog() throws Exception {
        ObjectNode bundle = bundle(false);
        ObjectNode checkpoint = (ObjectNode) entry(bundle).path("inclusionProof").path("checkpoint");
        String text = checkpoint.path("envelope").asText();
        StringBuilder edited = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("\u2014 ")) {
                int space = line.lastIndexOf(' ');
                byte[] sig = Base64.getDecoder().decode(line.substring(space + 1));
                sig[0] ^= 0x5a; // same signature, the key hint of another log
                line = line.substring(0, space + 1) + Base64.getEncoder().encodeToString(sig);
            }
            edited.append(line).append('\n');
        }
        checkpoint.put("envelope", edited.substring(0, edited.length() - 1));
        // the SET would still vouch for the entry: only the proof may decide here
        entry(bundle).remove("inclusionPromise");
        Check failure = check(bundle).failure().orElseThrow();
        assertThat(failure.stage()).isEqualTo("tlog");
        assertThat(failure.detail()).startsWith("the checkpoint has no signature whose key hint names the log that"
                + " provides the entry (key hint ");
    }

    @Test
    void shouldRefuseABundleWhoseCertificateChainContainsARootCertificate() throws Exception {
        ObjectNode bundle = bundle(false);
        ObjectNode material = (ObjectNode) bundle.path("verificationMaterial");
        String leaf = material.path("certificate").path("rawBytes").asText();
        String rootCert = new ObjectMapper().readTree(FIXTURE.resolve("trusted_root.json").toFile())
                .path("certificateAuthorities").get(0).path("certChain").path("certificates").get(0)
                .path("rawBytes").asText();
        material.remove("certificate");
        var chain = material.putObject("x509CertificateChain").putArray("certificates");
        chain.addObject().put("rawBytes", leaf);
        chain.addObject().put("rawBytes", rootCert);
        bundle.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.2");
        Check failure = check(bundle).failure().orElseThrow();
        assertThat(failure.stage()).isEqualTo("envelope");
        assertThat(failure.detail()).startsWith("the bundle's certificate chain contains a root certificate (")
                .endsWith(", self-signed); a bundle must not carry its root: roots come from the trusted root only");
    }

    @Test
    void shouldRejectABundleWhoseDsseEnvelopeHasTwoSignatures() throws Exception {
        ObjectNode bundle = bundle(true);
        var signatures = (ArrayNode) bundle.path("dsseEnvelope").path("signatures");
        signatures.add(signatures.get(0).deepCopy());
        Check failure = check(bundle).failure().orElseThrow();
        assertThat(failure.stage()).isEqualTo("envelope");
        assertThat(failure.detail()).isEqualTo("the bundle's DSSE envelope has 2 signatures; a Sigstore bundle carries"
                + " exactly one (sigstore-go's rule), since its log entry and certificate vouch for a single"
                + " signature");
    }
}
