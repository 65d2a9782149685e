package dev.trustplane.policy;

import static dev.trustplane.policy.PolicyEngineTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.error.Outcome;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.verify.VerifierLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code type: Notary} verifyImages entry on the signatures notation wrote for its e2e tests
 * (resources/verify/notation), read from the OCI layout through {@code repository}.
 */
class NotaryPolicyTest {
    static final String IMAGE = "registry.example/e2e@sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9";

    static Evaluation evaluate(String layout, String certificate) throws Exception {
        Path dir = Path.of(NotaryPolicyTest.class.getResource("/verify/notation").toURI());
        String cert = Files.readString(dir.resolve(certificate)).strip().replace("\n", "\\n");
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: notary}
                spec:
                  rules:
                    - name: signed-with-notation
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - type: Notary
                          imageReferences: ["registry.example/*"]
                          repository: "oci:LAYOUT"
                          failureAction: Enforce
                          mutateDigest: false
                          attestors: [{count: 1, entries: [{certificates: {cert: "CERT"}}]}]
                """.replace("LAYOUT", dir.resolve(layout).toString()).replace("CERT", cert);
        List<Policy> policies = new PolicyLoader(null, null).parse(policy.getBytes(StandardCharsets.UTF_8), "n.yaml")
                .orThrow();
        RegistryImageVerifier verifier = new RegistryImageVerifier(RegistryClient.builder().build(),
                VerifierLimits.DEFAULT, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            return engine.evaluate(pod("apps", null, IMAGE), Phase.VALIDATE, Duration.ofSeconds(20));
        }
    }

    @Test
    void shouldAdmitWhatTheTrustStoreSignedAndDenyTheRest() throws Exception {
        Evaluation signed = evaluate("e2e-valid-signature", "e2e.crt");
        Evaluation otherTrustStore = evaluate("e2e-valid-signature", "new_e2e.crt");
        Evaluation expired = evaluate("e2e-expired-signature", "e2e.crt");

        assertThat(signed.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verdict()).as(d.message()).isEqualTo(Outcome.PASS);
            assertThat(d.signers()).singleElement().asString().contains("CN=e2e");
        });
        assertThat(otherTrustStore.denied()).isTrue();
        assertThat(otherTrustStore.decisions().get(0).message()).contains("does not lead to a certificate of the"
                + " policy's trust store").contains("sign " ).contains("with notation");
        assertThat(expired.denied()).isTrue();
        assertThat(expired.decisions().get(0).message()).contains("expired at 2023-06-27T05:21:21Z");
    }

    @Test
    void shouldRefuseKeysInANotaryEntryAndCertificatesInACosignOne() {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: mixed}
                spec:
                  rules:
                    - name: r
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - {type: Notary, imageReferences: ["*"], mutateDigest: false, attestors: [{entries: [{keys: {publicKeys: "x"}}]}]}
                        - {imageReferences: ["*"], mutateDigest: false, attestors: [{entries: [{certificates: {cert: "x"}}]}]}
                """;
        List<String> errors = new PolicyLoader(null, null).parse(policy.getBytes(StandardCharsets.UTF_8), "m.yaml")
                .problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                .map(p -> p.path() + ": " + p.message()).toList();
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].verifyImages[0].attestors[0]"
                + ".entries[0].keys").contains("Notary signatures verify with certificates"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].verifyImages[1].attestors[0].entries[0]"
                        + ".certificates").contains("type: Notary"));
    }
}
