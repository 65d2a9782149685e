package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trustplane.error.Outcome;
import org.junit.jupiter.api.Test;

class PatternsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final JsonNode REGISTRIES = yaml("""
            spec:
              =(initContainers):
                - image: "registry.example.com/* | ghcr.io/trusted/*"
              containers:
                - image: "registry.example.com/* | ghcr.io/trusted/*"
            """);

    @Test
    void shouldPassWhenEveryContainerUsesATrustedRegistry() {
        JsonNode pod = yaml("""
                spec:
                  containers:
                    - {name: a, image: registry.example.com/app:1}
                    - {name: b, image: ghcr.io/trusted/tool@sha256:00}
                """);

        assertThat(Patterns.match(REGISTRIES, pod).status()).isEqualTo(Outcome.PASS);
    }

    @Test
    void shouldFailNamingThePathOfTheUntrustedImage() {
        JsonNode pod = yaml("""
                spec:
                  initContainers:
                    - {name: setup, image: docker.io/library/busybox}
                  containers:
                    - {name: a, image: registry.example.com/app:1}
                """);

        Patterns.Result r = Patterns.match(REGISTRIES, pod);

        assertThat(r.status()).isEqualTo(Outcome.FAIL);
        assertThat(r.path()).isEqualTo("spec.initContainers[0].image");
        assertThat(r.reason()).contains("docker.io/library/busybox");
    }

    @Test
    void shouldSkipWhenAConditionalAnchorDoesNotHold() {
        JsonNode pattern = yaml("""
                metadata:
                  (labels):
                    tier: "frontend"
                spec:
                  containers:
                    - image: "registry.example.com/*"
                """);
        JsonNode backend = yaml("""
                metadata: {labels: {tier: backend}}
                spec: {containers: [{image: docker.io/x}]}
                """);

        assertThat(Patterns.match(pattern, backend).status()).isEqualTo(Outcome.SKIP);
        JsonNode perContainer = yaml("spec: {containers: [{(name): 'web*', image: 'registry.example.com/*'}]}");
        JsonNode mixed = yaml("spec: {containers: [{name: sidecar, image: docker.io/x}, {name: web, image: registry.example.com/w}]}");
        assertThat(Patterns.match(perContainer, mixed).status()).isEqualTo(Outcome.PASS);
        JsonNode top = yaml("""
                (metadata):
                  labels: {tier: frontend}
                spec: {containers: [{image: "registry.example.com/*"}]}
                """);
        assertThat(Patterns.match(top, backend).status()).isEqualTo(Outcome.SKIP);
    }

    @Test
    void shouldApplyNegationAnchorsOperatorsAndExistence() {
        JsonNode pod = yaml("""
                spec:
                  hostNetwork: true
                  replicas: 3
                  containers: [{name: a, image: "registry.example.com/a:latest"}]
                """);

        assertThat(Patterns.match(yaml("spec: {X(hostNetwork): null}"), pod).status()).isEqualTo(Outcome.FAIL);
        assertThat(Patterns.match(yaml("spec: {replicas: '>=2 & <5'}"), pod).status()).isEqualTo(Outcome.PASS);
        assertThat(Patterns.match(yaml("spec: {replicas: '>3'}"), pod).status()).isEqualTo(Outcome.FAIL);
        assertThat(Patterns.match(yaml("spec: {containers: [{image: '!*:latest'}]}"), pod).status())
                .isEqualTo(Outcome.FAIL);
        assertThat(Patterns.match(yaml("spec: {^(containers): [{name: a}]}"), pod).status())
                .isEqualTo(Outcome.PASS);
        assertThat(Patterns.match(yaml("spec: {^(containers): [{name: z}]}"), pod).status())
                .isEqualTo(Outcome.FAIL);
    }

    @Test
    void shouldRejectMutateAnchorsAtLoad() {
        assertThat(Patterns.check(yaml("spec: {+(x): 1}"), "p")).contains("+() anchor");
        assertThat(Patterns.check(REGISTRIES, "p")).isNull();
    }
}
