package dev.trustplane.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.event.EventListener;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the controller starts from a policy directory a user keeps. */
class AdmissionControllerTest {
    static final String POLICY = """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata: {name: NAME}
            spec:
              validationFailureAction: Enforce
              rules:
                - name: r
                  match: {any: [{resources: {kinds: [Pod]}}]}
                  validate: {pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}}
            """;

    @TempDir
    Path dir;

    AdmissionController open(Path policies) {
        return AdmissionController.open(new AdmissionController.Config(policies, new PolicyLoader(null, null),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 100,
                Store.embedded(dir.resolve("store.db")), null, null, null), RegistryClient.builder().build(),
                EventListener.NONE);
    }

    @Test
    void shouldStartWithTheGoodPoliciesAndReportTheBrokenOne() throws Exception {
        Path policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("a.yaml"), POLICY.replace("NAME", "good"));
        Files.writeString(policies.resolve("b.yaml"), POLICY.replace("NAME", "broken").replace("validate:", "validat:"));
        try (AdmissionController controller = open(policies)) {
            assertThat(controller.policies()).extracting(Policy::name).containsExactly("good");
            assertThat(controller.warnings()).anySatisfy(w -> assertThat(w).startsWith("refused: ")
                    .contains("b.yaml").contains("validat"));
        }
    }

    @Test
    void shouldRefuseToStartWhenNoPolicyLoads() throws Exception {
        Path policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("b.yaml"), POLICY.replace("NAME", "broken").replace("validate:", "validat:"));
        // a webhook without any policy would admit everything: Kubernetes' failurePolicy: Fail denies instead
        assertThatThrownBy(() -> open(policies)).hasMessageContaining("1 policy problem").hasMessageContaining("validat");
    }
}
