package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.io.Json;
import dev.trustplane.workload.Manifests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kyverno's own CLI tests (resources/policy/kyverno-cli-tests, see its README): the policies of the
 * corpus run on the test's resources as `kyverno test` runs them (mutateDigest pins, then the rules
 * judge), and every result equals the one its kyverno-test.yaml expects.
 */
class KyvernoCliTest {

    static Path resources(String name) throws Exception {
        return Path.of(KyvernoCliTest.class.getResource("/policy/kyverno-cli-tests/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify-signature", "secure-images"})
    void shouldGiveTheResultsKyvernosCliTestExpects(String test) throws Exception {
        List<Policy> policies = PolicyContextTest.LOADER.load(KyvernoCorpusTest.corpus()
                .resolve("kyverno/test/cli/test/images/" + test + "/policies.yaml")).orThrow();
        Map<String, Resource> byName = new HashMap<>();
        for (Manifests.Document d : Manifests.read(resources(test + "/resources.yaml"), "resources", 1 << 20)) {
            byName.put(d.object().path("metadata").path("name").asText(), ImageExtractorTest.resource(d.object()));
        }
        JsonNode expected = Json.yaml().readTree(resources(test + "/kyverno-test.yaml").toFile());
        int compared = 0;
        try (PolicyEngine engine = new PolicyEngine(policies, ImageExtractorTest.TAGS)) {
            for (JsonNode result : expected.path("results")) {
                for (JsonNode name : result.path("resources")) {
                    Evaluation ev = engine.evaluate(byName.get(name.asText()), Phase.OFFLINE, Duration.ofSeconds(5));
                    List<Decision> ds = ev.decisions().stream()
                            .filter(d -> d.policy().equals(result.path("policy").asText())
                                    && d.rule().equals(result.path("rule").asText())).toList();
                    String want = result.path("result").asText();
                    assertThat(ds).as(name.asText()).isNotEmpty().allSatisfy(d -> assertThat(d.verdict().name()
                            .toLowerCase()).as(d.message()).isEqualTo(want));
                    compared++;
                }
            }
        }
        System.out.printf("Kyverno CLI test %s: %d results, all as Kyverno expects%n", test, compared);
        assertThat(compared).isEqualTo(expected.path("results").findValues("resources").stream()
                .mapToInt(JsonNode::size).sum()).isPositive();
    }
}
