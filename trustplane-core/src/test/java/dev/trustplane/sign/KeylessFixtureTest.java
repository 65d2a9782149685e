package dev.trustplane.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.Location;
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
}
