package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.admission.AdmissionRequest;
import dev.trustplane.error.Outcome;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sign.KeylessSigning;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.testkit.SigstorePeer;
import dev.trustplane.verify.VerifierLimits;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The article's keyless policy end to end: images signed keylessly through a local Fulcio and
 * Rekor (npm @sigstore/mock) in the real registry, a ClusterPolicy with keyless subject and issuer
 * (and a CycloneDX attestation with a condition) checked against the peer's trusted_root.json
 * given as the server's default root — Rekor entries and SCTs verified, nothing ignored.
 */
class KeylessPolicyIT {
    static final String WHO = "release@example.com";

    @TempDir
    static Path work;
    static RegistryPeer registry;
    static SigstorePeer sigstore;
    static RegistryClient client;
    static PolicyLoader loader;

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

    static ImageReference push(int n, String who, boolean sbom) {
        Path dir = work.resolve("img" + n);
        RawManifest image = TestImages.write(OciLayout.openOrCreate(dir), "v1", 1, 200, 900 + n);
        String ref = registry.host() + "/release/app" + n + ":v1";
        new ImageCopier(client, EventListener.NONE, 2).copy(Location.parse("oci:" + dir + ":v1"), Location.parse(ref));
        ImageReference pinned = ImageReference.parse(ref).pinned(image.digest());
        KeylessSigning keyless = KeylessSigning.obtain(new KeylessSigning.Endpoints(URI.create(sigstore.url()),
                URI.create(sigstore.url())), SigstorePeer.identityToken(who));
        Signer signer = new Signer(EvidenceStore.open(new Location.Registry(pinned), client), keyless, Clock.systemUTC());
        var descriptor = client.head(pinned).orElseThrow();
        signer.sign(descriptor, Map.of(), Signer.Format.ALL);
        if (sbom) {
            signer.attest(descriptor, PredicateTypes.CYCLONEDX, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}"
                    .getBytes(StandardCharsets.UTF_8), Signer.Format.ALL);
        }
        return pinned;
    }

    static Resource pod(String image) {
        String review = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"namespace\":\"prod\",\"operation\":"
                + "\"CREATE\",\"object\":{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"app\","
                + "\"image\":\"" + image + "\"}]}}}}";
        return AdmissionRequest.parse(review.getBytes(StandardCharsets.UTF_8), null).resource();
    }

    @Test
    void shouldAdmitTheReleaseIdentityAndDenyAnyOther() {
        ImageReference good = push(1, WHO, true);
        ImageReference stranger = push(2, "mallory@example.com", false);
        String yaml = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: keyless-release}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: release-identity
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["REGISTRY/release/*"]
                          mutateDigest: false
                          attestors:
                            - entries:
                                - keyless:
                                    subject: "WHO"
                                    issuer: "ISSUER"
                          attestations:
                            - predicateType: https://cyclonedx.org/bom
                              attestors:
                                - entries:
                                    - keyless:
                                        subjectRegExp: "^release@example\\\\.com$"
                                        issuer: "ISSUER"
                              conditions:
                                - all:
                                    - {key: "{{ specVersion }}", operator: AnyIn, value: ["1.5", "1.6"]}
                """.replace("REGISTRY", registry.host()).replace("WHO", WHO).replace("ISSUER", SigstorePeer.ISSUER);
        List<Policy> policies = loader.parse(yaml.getBytes(StandardCharsets.UTF_8), "keyless.yaml").orThrow();
        RegistryImageVerifier verifier = new RegistryImageVerifier(client, VerifierLimits.DEFAULT, Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 100);

        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            Evaluation ok = engine.evaluate(pod(good.toString()), Phase.VALIDATE, Duration.ofSeconds(20));
            Evaluation bad = engine.evaluate(pod(stranger.toString()), Phase.VALIDATE, Duration.ofSeconds(20));

            assertThat(ok.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).as(d.message()).isEqualTo(Outcome.PASS);
                assertThat(d.signers()).hasSize(2).allSatisfy(x -> assertThat(x).startsWith("keyless subject")
                        .contains(SigstorePeer.ISSUER)).anySatisfy(x -> assertThat(x).contains("subject " + WHO));
            });
            assertThat(bad.denied()).isTrue();
            assertThat(bad.decisions().get(0).message()).contains("keyless-release").contains("identity");
        }
    }
}
