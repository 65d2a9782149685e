package dev.trustplane.policy;

import static dev.trustplane.policy.PolicyEngineTest.DIGEST;
import static dev.trustplane.policy.PolicyEngineTest.KEY;
import static dev.trustplane.policy.PolicyEngineTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.workload.ContainerImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rule {@code context} entries with Kyverno's semantics, on Kyverno's own conformance policies
 * where one exists (resources/policy/kyverno-corpus) and the ConfigMap its test applies.
 */
class PolicyContextTest {
    final PolicyEngineTest.StubVerifier verifier = new PolicyEngineTest.StubVerifier();

    /**
     * cm.yaml of Kyverno's conformance test verify-images/clusterpolicy/standard/configmap-context-lookup
     * (kyverno/kyverno 111e07bb, Apache-2.0), its key replaced by the test key.
     */
    static final String KEYS_CONFIGMAP = """
            apiVersion: v1
            data:
              org: "KEY"
            kind: ConfigMap
            metadata:
              name: keys
              namespace: default
            """.replace("KEY", PolicyEngineTest.quoted());

    /** As Kyverno has it: the Sigstore public-good root where a policy names no Rekor key. */
    static final PolicyLoader LOADER = new PolicyLoader(TrustedRoot.parse(TrustedRoot.publicGoodBytes(), "public-good"),
            TrustedRoot.publicGoodBytes());

    static JsonNode yaml(String text) {
        try {
            return Json.yaml().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path corpus(String name) throws Exception {
        return KyvernoCorpusTest.corpus().resolve("kyverno/test/conformance/chainsaw/verify-images/clusterpolicy/standard")
                .resolve(name).resolve("policy.yaml");
    }

    /** The trust hash the attestor {@code keys: {publicKeys: KEY}} (as the context resolves it) has. */
    static String keyHash(String extraKeyFields) {
        String yaml = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: h}
                spec:
                  rules:
                    - name: r
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          mutateDigest: false
                          attestors: [{entries: [{keys: {publicKeys: "K"EXTRA}}]}]
                """.replace("K\"", PolicyEngineTest.quoted() + "\"").replace("EXTRA", extraKeyFields);
        return PolicyEngineTest.attestors(LOADER.parse(yaml.getBytes(StandardCharsets.UTF_8), "h.yaml").orThrow())
                .get(0).trustHash();
    }

    @Test
    void shouldVerifyWithAKeyReadFromAConfigMapAndDenyUnderEnforceWhenTheConfigMapIsMissing() throws Exception {
        // Kyverno's sample verify-image-with-multi-keys, as its conformance test configmap-context-lookup applies it
        List<Policy> policies = LOADER.load(corpus("configmap-context-lookup")).orThrow();
        verifier.good.add(keyHash(""));
        ContextSource withKeys = ContextSource.of(List.of(yaml(KEYS_CONFIGMAP)), ContextSource.NONE);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier, withKeys, Clock.systemUTC());
                PolicyEngine without = new PolicyEngine(policies, verifier, ContextSource.of(List.of(), ContextSource.NONE),
                        Clock.systemUTC())) {
            Evaluation signed = engine.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            Evaluation noConfigMap = without.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));

            assertThat(signed.denied()).isFalse();
            assertThat(signed.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.PASS);
                assertThat(d.signers()).singleElement().asString().startsWith("key ");
            });
            assertThat(noConfigMap.denied()).isTrue();
            assertThat(noConfigMap.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.ERROR);
                assertThat(d.message()).contains("context entry \"keys\" (configMap) could not be loaded")
                        .contains("ConfigMap default/keys").contains("no Kubernetes API is configured");
            });
        }
    }

    @Test
    void shouldNotLoadTheContextOfARuleWhoseImagesDoNotMatchAsKyvernoDoes() throws Exception {
        // Kyverno's conformance test failure-policy-test-noconfigmap-diffimage-success: the ConfigMap does
        // not exist; a pod with another image is admitted, one the rule covers gets the rule's error (Audit)
        List<Policy> policies = new PolicyLoader(null, null)
                .load(corpus("failure-policy-test-noconfigmap-diffimage-success")).orThrow();
        try (PolicyEngine engine = new PolicyEngine(policies, verifier, ContextSource.NONE, Clock.systemUTC())) {
            Evaluation other = engine.evaluate(pod("apps", null, "nginx:1.25"), Phase.VALIDATE, Duration.ofSeconds(5));
            Evaluation covered = engine.evaluate(pod("apps", null, "ghcr.io/kyverno/test-verify-image:signed"),
                    Phase.VALIDATE, Duration.ofSeconds(5));

            assertThat(other.decisions()).isEmpty();
            assertThat(covered.denied()).isFalse();
            assertThat(covered.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.ERROR);
                assertThat(d.action()).isEqualTo(FailureAction.AUDIT);
                assertThat(d.message()).contains("ConfigMap mynamespace/myconfigmap");
            });
        }
    }

    @Test
    void shouldErrorNamingTheVariableWhenTheConfigMapLacksTheKey() {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: k}
                spec:
                  rules:
                    - name: r
                      context:
                        - name: keys
                          configMap: {name: keys, namespace: default}
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          failureAction: Enforce
                          attestors: [{entries: [{keys: {publicKeys: "{{ keys.data.{{request.namespace}} }}"}}]}]
                """;
        List<Policy> policies = LOADER.parse(policy.getBytes(StandardCharsets.UTF_8), "k.yaml").orThrow();
        verifier.good.add(keyHash(""));
        ContextSource keys = ContextSource.of(List.of(yaml(KEYS_CONFIGMAP.replace("org:", "apps:"))), ContextSource.NONE);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier, keys, Clock.systemUTC())) {
            Evaluation apps = engine.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            Evaluation web = engine.evaluate(pod("web", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));

            assertThat(apps.denied()).isFalse();
            assertThat(web.denied()).isTrue();
            assertThat(web.decisions().get(0).verdict()).isEqualTo(Outcome.ERROR);
            assertThat(web.decisions().get(0).message()).contains("keys.publicKeys")
                    .contains("\"keys.data.web\" resolves to nothing");
        }
    }

    @Test
    void shouldLoadVariablesAndApiCallsInOrderAndUseThemInPreconditions() {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: v}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: r
                      context:
                        - name: tier
                          apiCall:
                            urlPath: "/api/v1/namespaces/{{ request.namespace }}"
                            jmesPath: "metadata.labels.tier"
                            default: dev
                        - name: checked
                          variable:
                            value: ["prod", "staging"]
                            jmesPath: "contains(@, '{{ tier }}')"
                        - name: fallback
                          variable:
                            jmesPath: "request.object.metadata.labels.app"
                            default: none
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      preconditions:
                        all:
                          - {key: "{{ checked }}", operator: Equals, value: true}
                          - {key: "{{ fallback }}", operator: Equals, value: none}
                      verifyImages:
                        - imageReferences: ["*"]
                          mutateDigest: false
                          attestors: [{entries: [{keys: {publicKeys: "K", rekor: {ignoreTlog: true}}}]}]
                """.replace("\"K\"", "\"" + PolicyEngineTest.quoted() + "\"");
        List<Policy> policies = PolicyEngineTest.load(policy);
        List<String> asked = new ArrayList<>();
        ContextSource api = new ClusterStub(Map.of(), Map.of("/api/v1/namespaces/prod",
                yaml("metadata: {labels: {tier: prod}}")), asked);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier, api, Clock.systemUTC())) {
            Evaluation prod = engine.evaluate(pod("prod", null, "r.example/unsigned/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            Evaluation dev = engine.evaluate(pod("dev", null, "r.example/unsigned/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));

            assertThat(asked).containsExactly("/api/v1/namespaces/prod", "/api/v1/namespaces/dev");
            assertThat(prod.denied()).isTrue(); // the precondition holds: the unsigned image is refused
            assertThat(dev.decisions()).isEmpty(); // the API call failed, its default "dev" skips the rule
        }
    }

    @Test
    void shouldRefuseWhatTrustplaneCannotLoadNamingTheField() {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: bad}
                spec:
                  rules:
                    - name: r
                      context:
                        - name: request
                          variable: {value: 1}
                        - name: sar
                          apiCall: {urlPath: /apis/authorization.k8s.io/v1/subjectaccessreviews, method: POST,
                                    data: [{key: kind, value: SubjectAccessReview}]}
                        - name: ext
                          apiCall: {service: {url: "https://example.com"}}
                        - name: two
                          variable: {value: 1}
                          configMap: {name: x}
                        - name: broken
                          variable: {jmesPath: "a.["}
                        - name: g
                          globalReference: {name: x}
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate: {pattern: {metadata: {name: "?*"}}}
                """;
        PolicyLoader.Loaded loaded = new PolicyLoader(null, null).parse(policy.getBytes(StandardCharsets.UTF_8), "p.yaml");
        List<String> errors = loaded.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                .map(p -> p.path() + ": " + p.message()).toList();

        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].context[0].name").contains("Kyverno fills"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].context[1].apiCall.method").contains("read-only GET"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].context[2].apiCall.service").contains("not supported"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].context[3]").contains("exactly one"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].context[4].variable.jmesPath").contains("invalid"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].context[5].globalReference").contains("not supported"));
    }

    @Test
    void shouldReadTheConfigMapsKeptBesideThePolicies() throws Exception {
        Path dir = Files.createTempDirectory("ctx");
        Files.copy(corpus("configmap-context-lookup"), dir.resolve("policy.yaml"));
        Files.writeString(dir.resolve("cm.yaml"), KEYS_CONFIGMAP);
        PolicyLoader.Loaded loaded = LOADER.load(dir);
        verifier.good.add(keyHash(""));
        try (PolicyEngine engine = new PolicyEngine(loaded.orThrow(), verifier, loaded.contextSource(ContextSource.NONE),
                Clock.systemUTC())) {
            assertThat(loaded.configMaps()).hasSize(1);
            assertThat(engine.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5)).decisions()).singleElement()
                    .satisfies(d -> assertThat(d.verdict()).isEqualTo(Outcome.PASS));
        }
    }

    @Test
    void shouldVerifyWithAKeyKeptInASecretAsKyvernosKeyedSecretTest() throws Exception {
        // Kyverno's conformance test keyed-secret: keys.secret {name: testsecret, namespace: test-verify-images}
        List<Policy> policies = LOADER.load(corpus("keyed-secret")).orThrow();
        verifier.good.add(keyHash(", rekor: {ignoreTlog: true, url: \"https://rekor.sigstore.dev\"}"));
        JsonNode secret = yaml("data: {cosign.pub: " + Base64.getEncoder().encodeToString(
                KEY.getBytes(StandardCharsets.UTF_8)) + "}");
        List<String> asked = new ArrayList<>();
        ContextSource cluster = new ClusterStub(Map.of("test-verify-images/testsecret", secret), Map.of(), asked);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier, cluster, Clock.systemUTC());
                PolicyEngine none = new PolicyEngine(policies, verifier, ContextSource.NONE, Clock.systemUTC())) {
            Evaluation signed = engine.evaluate(pod("apps", null, "ghcr.io/kyverno/test-verify-image:signed@" + DIGEST),
                    Phase.VALIDATE, Duration.ofSeconds(5));
            Evaluation unreadable = none.evaluate(pod("apps", null, "ghcr.io/kyverno/test-verify-image:signed@" + DIGEST),
                    Phase.VALIDATE, Duration.ofSeconds(5));

            assertThat(asked).containsExactly("test-verify-images/testsecret");
            assertThat(signed.decisions()).singleElement().satisfies(d -> assertThat(d.verdict()).isEqualTo(Outcome.PASS));
            assertThat(unreadable.denied()).isTrue();
            assertThat(unreadable.decisions().get(0).verdict()).isEqualTo(Outcome.ERROR);
            assertThat(unreadable.decisions().get(0).message()).contains("Secret test-verify-images/testsecret cannot be read");
        }
        List<String> errors = LOADER.parse("""
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: s}
                spec:
                  rules:
                    - name: r
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          attestors: [{entries: [{keys: {publicKeys: "k8s://only-a-name"}}, {keys: {kms: "gcpkms://x"}}]}]
                """.getBytes(StandardCharsets.UTF_8), "s.yaml").problems().stream()
                .filter(p -> p.severity() == PolicyProblem.Severity.ERROR).map(p -> p.path() + ": " + p.message()).toList();
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("k8s://NAMESPACE/NAME"))
                .anySatisfy(e -> assertThat(e).contains("keys.kms").contains("no KMS is reachable"))
                .noneSatisfy(e -> assertThat(e).contains("publicKeys: is required"));
    }

    @Test
    void shouldOfferKyvernosImagesVariable() {
        // the shape of the kyverno/policies samples that check images.containers.*.registry
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: registries}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: allowed-registries
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate:
                        message: "{{ images.containers.*.registry }}"
                        deny:
                          conditions:
                            any:
                              - {key: "{{ images.containers.*.registry }}", operator: AnyNotIn, value: [ghcr.io, docker.io]}
                """;
        List<Policy> policies = PolicyEngineTest.load(policy);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            Evaluation ok = engine.evaluate(pod("apps", null, "nginx:1.25", "ghcr.io/org/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            Evaluation other = engine.evaluate(pod("apps", null, "quay.io/org/app:2"), Phase.VALIDATE,
                    Duration.ofSeconds(5));

            assertThat(ok.denied()).isFalse();
            assertThat(other.denied()).isTrue();
            assertThat(other.decisions().get(0).message()).contains("quay.io");
        }
        JsonNode images = Resource.images(List.of(new ContainerImage("containers", 0, "web",
                "nginx", "/spec/containers/0/image")));
        assertThat(images.path("containers").path("web").toString()).isEqualTo("{\"registry\":\"docker.io\","
                + "\"path\":\"nginx\",\"name\":\"nginx\",\"tag\":\"latest\",\"reference\":\"docker.io/nginx:latest\","
                + "\"referenceWithTag\":\"docker.io/nginx:latest\"}");
    }
}
