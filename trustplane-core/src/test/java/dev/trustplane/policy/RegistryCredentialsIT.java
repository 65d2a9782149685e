package dev.trustplane.policy;

import static dev.trustplane.policy.PolicyEngineTest.quoted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.CredentialProvider;
import dev.trustplane.oci.registry.Credentials;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.verify.VerifierLimits;
import dev.trustplane.workload.Workloads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry credentials from a pod's {@code imagePullSecrets} and a policy's
 * {@code imageRegistryCredentials.secrets}, against a real registry that requires them.
 */
class RegistryCredentialsIT {
    @TempDir
    static Path work;
    static RegistryPeer registry;
    static SigningKey key;
    static ImageReference image;

    @BeforeAll
    static void start() {
        registry = RegistryPeer.start(work.resolve("registry"), "puller", "s3cret");
        RegistryClient owner = RegistryClient.builder().credentials(CredentialProvider.fixed(
                Credentials.basic("puller", "s3cret"))).build();
        RawManifest m = TestImages.write(OciLayout.openOrCreate(work.resolve("img")), "v1", 1, 200, 77);
        String ref = registry.host() + "/private/app:v1";
        new ImageCopier(owner, EventListener.NONE, 2).copy(Location.parse("oci:" + work.resolve("img") + ":v1"),
                Location.parse(ref));
        image = ImageReference.parse(ref).pinned(m.digest());
        key = Keys.generate();
        new Signer(EvidenceStore.open(new Location.Registry(image), owner), key, Clock.systemUTC())
                .sign(owner.head(image).orElseThrow(), Map.of(), Signer.Format.ALL);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static JsonNode pullSecret(String password) {
        String auth = Base64.getEncoder().encodeToString(("puller:" + password).getBytes(StandardCharsets.UTF_8));
        String config = "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}";
        return Json.mapper().createObjectNode().put("type", "kubernetes.io/dockerconfigjson")
                .set("data", Json.mapper().createObjectNode().put(".dockerconfigjson",
                        Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8))));
    }

    static Evaluation evaluate(String pullSecrets, String policyCredentials, Map<String, JsonNode> secrets,
            List<String> asked) {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: private}
                spec:
                  rules:
                    - name: signed
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["HOST/*"]
                          failureAction: Enforce
                          mutateDigest: false
                          CREDS
                          attestors: [{entries: [{keys: {publicKeys: "KEY", rekor: {ignoreTlog: true}}}]}]
                """.replace("HOST", registry.host()).replace("KEY", quoted())
                .replace("CREDS", policyCredentials).replace("\"KEY\"", "\"" + quoted() + "\"");
        List<Policy> policies = new PolicyLoader(null, null).parse(policy.replace(quoted(),
                Keys.publicPem(key.publicKey()).strip().replace("\n", "\\n")).getBytes(StandardCharsets.UTF_8), "p.yaml")
                .orThrow();
        JsonNode pod = PolicyContextTest.yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: app, namespace: apps}
                spec:
                  PULL
                  containers: [{name: app, image: "IMAGE"}]
                """.replace("IMAGE", image.toString()).replace("PULL", pullSecrets));
        ContextSource cluster = new ClusterStub(secrets, Map.of(), asked);
        // the server's own client has no credentials for this registry
        RegistryImageVerifier verifier = new RegistryImageVerifier(RegistryClient.builder().build(), VerifierLimits.DEFAULT,
                Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 100);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier, cluster, Clock.systemUTC())) {
            return engine.evaluate(Resource.of(Workloads.of(pod), null, "CREATE", null, null, () -> Map.of()),
                    Phase.VALIDATE, Duration.ofSeconds(20));
        }
    }

    @Test
    void shouldReadThePrivateRegistryWithThePodsPullSecretOrThePolicys() {
        List<String> asked = new ArrayList<>();
        Evaluation anonymous = evaluate("", "", Map.of(), asked);
        Evaluation podSecret = evaluate("imagePullSecrets: [{name: regcred}]", "",
                Map.of("apps/regcred", pullSecret("s3cret")), asked);
        Evaluation policySecret = evaluate("", "imageRegistryCredentials: {secrets: [trustplane-pull]}",
                Map.of("trustplane/trustplane-pull", pullSecret("s3cret")), asked);
        Evaluation wrongPassword = evaluate("imagePullSecrets: [{name: regcred}]", "",
                Map.of("apps/regcred", pullSecret("wrong")), asked);
        Evaluation missing = evaluate("imagePullSecrets: [{name: gone}]", "", Map.of(), asked);

        assertThat(anonymous.denied()).isTrue();
        assertThat(anonymous.decisions().get(0).verdict()).isEqualTo(Outcome.ERROR);
        assertThat(podSecret.decisions()).singleElement().satisfies(d -> assertThat(d.verdict()).as(d.message())
                .isEqualTo(Outcome.PASS));
        assertThat(policySecret.decisions()).singleElement().satisfies(d -> assertThat(d.verdict()).as(d.message())
                .isEqualTo(Outcome.PASS));
        assertThat(wrongPassword.denied()).isTrue();
        assertThat(wrongPassword.decisions().get(0).message()).doesNotContain("s3cret").doesNotContain("wrong");
        assertThat(missing.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verdict()).isEqualTo(Outcome.ERROR);
            assertThat(d.message()).contains("the pull Secret apps/gone does not exist");
        });
        assertThat(asked).contains("apps/regcred", "trustplane/trustplane-pull", "apps/gone");
    }
}
