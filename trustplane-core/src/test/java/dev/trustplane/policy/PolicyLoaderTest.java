package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.TrustedRoot;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {
    private final PolicyLoader loader = new PolicyLoader(null, null);

    static Path resource(String name) {
        try {
            return Path.of(PolicyLoaderTest.class.getResource("/policy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldReadTheArticlesTrustedRegistryPolicy() {
        PolicyLoader.Loaded loaded = loader.load(resource("trusted-registries.yaml"));

        assertThat(loaded.problems()).isEmpty();
        Policy p = loaded.policies().get(0);
        assertThat(p.name()).isEqualTo("restrict-image-registries");
        assertThat(p.rules().get(0).action()).isEqualTo(FailureAction.ENFORCE);
        assertThat(p.rules().get(0).validate().patterns()).hasSize(1);
        assertThat(p.hash()).startsWith("sha256:");
    }

    static PolicyLoader withRoot() {
        try {
            byte[] root = Files.readAllBytes(Path.of(PolicyLoaderTest.class
                    .getResource("/sign/keyless/trusted_root.json").toURI()));
            return new PolicyLoader(TrustedRoot.parse(root, "trusted_root.json"), root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldReadKyvernoDocumentationExamples() {
        PolicyLoader.Loaded loaded = withRoot().load(resource("kyverno-docs.yaml"));

        assertThat(loaded.problems()).filteredOn(x -> x.severity() == PolicyProblem.Severity.ERROR)
                .as(loaded.problems().toString()).isEmpty();
        assertThat(loaded.policies()).extracting(Policy::name)
                .containsExactly("check-image", "check-image-attestations", "check-keyless");
        ImageRule keys = loaded.policies().get(0).rules().get(0).verifyImages().get(0);
        assertThat(keys.action()).isEqualTo(FailureAction.ENFORCE);
        assertThat(keys.mutateDigest()).isTrue();
        assertThat(keys.attestors().get(0).required()).isEqualTo(1);
        assertThat(keys.attestors().get(0).entries().get(0).trust().ignoreTlog()).isTrue();
        AttestationCheck review = loaded.policies().get(1).rules().get(0).verifyImages().get(0).attestations().get(0);
        assertThat(review.predicateType()).isEqualTo("https://example.com/CodeReview/v1");
        assertThat(review.conditions().get(0).all()).hasSize(3);
    }

    @Test
    void shouldRefuseKeylessWithoutARootToCheckAgainst() {
        PolicyLoader.Loaded loaded = loader.load(resource("kyverno-docs.yaml"));

        assertThat(loaded.problems()).filteredOn(x -> x.policy() != null && x.policy().equals("check-keyless"))
                .extracting(PolicyProblem::toString).anySatisfy(s -> assertThat(s).contains("keyless.roots")
                        .contains("--trusted-root"));
    }

    @Test
    void shouldReportEveryProblemAtOnceWithItsPath() {
        PolicyLoader.Loaded loaded = loader.load(resource("broken.yaml"));
        List<String> all = loaded.problems().stream().map(PolicyProblem::toString).toList();

        assertThat(loaded.hasErrors()).isTrue();
        assertThat(all).anySatisfy(s -> assertThat(s).contains("spec.webhookTimeoutSeconds").contains("1 to 30"));
        assertThat(all).anySatisfy(s -> assertThat(s).contains("verifyImages[0].mutateDigest").contains("Audit"));
        assertThat(all).anySatisfy(s -> assertThat(s).contains("imageRegistryCredentials.providers")
                .contains("not cloud credential providers"));
        assertThat(all).anySatisfy(s -> assertThat(s).contains("entries[0].rekor").contains("keys: or keyless:"));
        assertThat(all).anySatisfy(s -> assertThat(s).contains("predicateType")
                .contains("did you mean https://slsa.dev/provenance/v1"));
        assertThat(all).anySatisfy(s -> assertThat(s).contains("conditions[0].all[0].operater")
                .contains("not a field"));
        assertThat(all).anySatisfy(s -> assertThat(s).contains("validate.mesage"));
        assertThat(loaded.policies()).isEmpty();
        assertThatThrownBy(loaded::orThrow).isInstanceOf(TrustplaneException.class).hasMessageContaining("broken");
    }

    @Test
    void shouldRefuseOtherApiVersionsAndKinds() {
        PolicyLoader.Loaded loaded = loader.parse(("apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\n"
                + "metadata: {name: x}\nspec: {}\n").getBytes(StandardCharsets.UTF_8), "ivpol.yaml");

        assertThat(loaded.problems()).singleElement().extracting(PolicyProblem::toString).asString()
                .contains("ivpol.yaml").contains("apiVersion").contains("CEL policies");
    }

    @Test
    void shouldReportInvalidYamlAndJmesPath() {
        assertThat(loader.parse("a: [".getBytes(StandardCharsets.UTF_8), "bad.yaml").problems())
                .singleElement().asString().contains("bad.yaml").contains("not valid YAML");
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: jp}
                spec:
                  rules:
                    - name: r
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          mutateDigest: false
                          attestations:
                            - predicateType: cyclonedx
                              attestors:
                                - entries:
                                    - keys:
                                        publicKeys: |-
                                          -----BEGIN PUBLIC KEY-----
                                          MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM
                                          5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==
                                          -----END PUBLIC KEY-----
                                        rekor: {ignoreTlog: true}
                              conditions:
                                - any:
                                    - key: "{{ x509_decode(metadata.timestamp) }}"
                                      operator: Equals
                                      value: x
                                    - key: "{{ metadata.timestamp[ }}"
                                      operator: Equals
                                      value: x
                                    - key: "{{ time_since('', metadata.timestamp, '') }}"
                                      operator: DurationLessThan
                                      value: 24h
                """;
        PolicyLoader.Loaded loaded = loader.parse(policy.getBytes(StandardCharsets.UTF_8), "jp.yaml");

        // a missing function is said to be unsupported, a syntax error to be invalid; Kyverno's own functions load
        assertThat(loaded.problems()).extracting(PolicyProblem::toString).hasSize(2)
                .anySatisfy(s -> assertThat(s).contains("conditions[0].any[0].key").contains("calls x509_decode(), a"
                        + " function Trustplane does not support"))
                .anySatisfy(s -> assertThat(s).contains("conditions[0].any[1].key").contains("is invalid"));
    }

    @Test
    void shouldRefuseDuplicateNamesAcrossFiles(@TempDir Path dir) throws Exception {
        String policy = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: same}\nspec: {rules: [{name: r,"
                + " match: {any: [{resources: {kinds: [Pod]}}]}, validate: {pattern: {spec: {}}}}]}\n";
        Files.writeString(dir.resolve("a.yaml"), policy);
        Files.writeString(dir.resolve("b.yml"), policy);
        Files.writeString(dir.resolve("notes.txt"), "not a policy");

        PolicyLoader.Loaded loaded = loader.load(dir);

        assertThat(loaded.problems()).singleElement().asString().contains("b.yml").contains("also defined in")
                .contains("a.yaml");
    }

    private static final String KEY = "-----BEGIN PUBLIC KEY-----\\n"
            + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM\\n"
            + "5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==\\n-----END PUBLIC KEY-----";

    @Test
    void shouldReadTheDeprecatedImageAndKeyFieldsAsKyvernoConvertsThem() {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: old-style}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: r
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - image: "ghcr.io/kyverno/test-verify-image:*"
                          mutateDigest: false
                          key: "KEY"
                          attestors: []
                """.replace("KEY", KEY);
        PolicyLoader.Loaded loaded = withRoot().parse(policy.getBytes(StandardCharsets.UTF_8), "old.yaml");
        assertThat(loaded.hasErrors()).as(loaded.problems().toString()).isFalse();
        ImageRule rule = loaded.policies().get(0).rules().get(0).verifyImages().get(0);
        assertThat(rule.imageReferences()).containsExactly("ghcr.io/kyverno/test-verify-image:*");
        assertThat(rule.attestors()).hasSize(1);
        assertThat(loaded.problems()).anySatisfy(p -> assertThat(p.message()).startsWith("uses the deprecated image"
                + " key field(s); read as Kyverno converts them"));
    }

    @Test
    void shouldMatchAnyPredicateTypeAsTheExactStringAndSkipOtherDocumentsBesideThePolicy() {
        String policy = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: keys, namespace: kyverno}
                data: {key: value}
                ---
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: vuln-scan}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: r
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["ghcr.io/example/*"]
                          mutateDigest: false
                          attestations:
                            - type: cosign.sigstore.dev/attestation/vuln/v1
                              attestors: [{entries: [{keys: {publicKeys: "KEY", rekor: {ignoreTlog: true}}}]}]
                            - type: vulnerability-scan
                              attestors: [{entries: [{keys: {publicKeys: "KEY", rekor: {ignoreTlog: true}}}]}]
                """.replace("KEY", KEY);
        PolicyLoader.Loaded loaded = loader.parse(policy.getBytes(StandardCharsets.UTF_8), "two.yaml");
        // no error: the ConfigMap is skipped, the types are taken as written; a near miss is pointed out
        assertThat(loaded.problems()).extracting(Object::toString).containsExactly("warning: two.yaml (document 2)"
                + " policy vuln-scan at spec.rules[0].verifyImages[0].attestations[0].predicateType: is"
                + " \"cosign.sigstore.dev/attestation/vuln/v1\"; did you mean https://cosign.sigstore.dev/attestation/vuln/v1?"
                + " An attestation with another type does not satisfy this entry");
        assertThat(loaded.policies().get(0).rules().get(0).verifyImages().get(0).attestations())
                .extracting(AttestationCheck::predicateType)
                .containsExactly("cosign.sigstore.dev/attestation/vuln/v1", "vulnerability-scan");
    }

    @Test
    void shouldLeaveMutateOnlyPoliciesToKyvernoWithAWarning() throws Exception {
        // Kyverno's conformance test with-mutation: a verifyImages policy and a mutate policy in one file
        PolicyLoader.Loaded loaded = new PolicyLoader(null, null).load(KyvernoCorpusTest.corpus().resolve(
                "kyverno/test/conformance/chainsaw/verify-images/clusterpolicy/standard/with-mutation/policy.yaml"));

        assertThat(loaded.hasErrors()).isFalse();
        assertThat(loaded.policies()).extracting(Policy::name).containsExactly("with-mutation-img");
        assertThat(loaded.problems()).anySatisfy(p -> {
            assertThat(p.severity()).isEqualTo(PolicyProblem.Severity.WARNING);
            assertThat(p.path()).isEqualTo("spec.rules[0].mutate");
            assertThat(p.message()).contains("Kyverno runs").contains("skips it");
        });
    }

    @Test
    void shouldTrustTheTimestampAuthorityOfTsaCertChain() throws Exception {
        // Kyverno's conformance test keyed-tsa: FreeTSA's chain as the only timestamp authority of the entry
        byte[] root = TrustedRoot.publicGoodBytes();
        List<Policy> policies = new PolicyLoader(TrustedRoot.parse(root, "public-good"), root).load(KyvernoCorpusTest.corpus()
                .resolve("kyverno/test/conformance/chainsaw/verify-images/clusterpolicy/standard/keyed-tsa/policy.yaml"))
                .orThrow();

        TrustedRoot trusted = PolicyEngineTest.attestors(policies).get(0).trust().root();
        assertThat(trusted.tsas()).singleElement().satisfies(tsa -> {
            assertThat(tsa.uri()).endsWith("keys.ctlog.tsaCertChain");
            assertThat(tsa.chain().get(0).getSubjectX500Principal().getName()).contains("O=Free TSA");
        });
        assertThat(trusted.tlogs()).isNotEmpty(); // no ignoreTlog: the public-good Rekor still applies
    }
}
