package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PolicyExceptions on Kyverno's own conformance cases (resources/policy/kyverno-exceptions, see its README). */
class KyvernoExceptionTest {
    static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    @TempDir
    Path tmp;

    static Path dir(String name) throws Exception {
        return Path.of(KyvernoExceptionTest.class.getResource("/policy/kyverno-exceptions/" + name).toURI());
    }

    static Evaluation evaluate(PolicyLoader.Loaded loaded, Path resource) throws Exception {
        JsonNode object = Json.yaml().readTree(resource.toFile());
        try (PolicyEngine engine = new PolicyEngine(loaded.orThrow(), new PolicyEngineTest.StubVerifier(),
                ContextSource.NONE, Clock.fixed(NOW, ZoneOffset.UTC))) {
            return engine.evaluate(ImageExtractorTest.resource(object), Phase.VALIDATE, Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldAdmitTheExceptedConfigMapAndDenyTheOther() throws Exception {
        PolicyLoader.Loaded loaded = new PolicyLoader(null, null).load(dir("allows-rejects-creation"));
        Evaluation allowed = evaluate(loaded, dir("allows-rejects-creation").resolve("configmap-allowed.yaml"));
        Evaluation rejected = evaluate(loaded, dir("allows-rejects-creation").resolve("configmap-rejected.yaml"));

        assertThat(loaded.exceptions()).singleElement().satisfies(e -> assertThat(e.name()).isEqualTo("mynewpolex"));
        assertThat(loaded.problems()).anySatisfy(p -> assertThat(p.message()).contains("never expires"));
        assertThat(allowed.denied()).isFalse();
        assertThat(allowed.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verdict()).isEqualTo(Outcome.SKIP);
            assertThat(d.message()).contains("excepted by PolicyException mynewpolex");
        });
        assertThat(rejected.denied()).isTrue();
        assertThat(rejected.decisions().get(0).message()).contains("The label `team` is required.");
    }

    @Test
    void shouldExceptByConditionsAndAutogenRuleNamesAndDenyWithDenyConditions() throws Exception {
        PolicyLoader.Loaded loaded = new PolicyLoader(null, null).load(dir("conditions"));
        Evaluation good = evaluate(loaded, dir("conditions").resolve("good-deployment.yaml"));
        Evaluation bad = evaluate(loaded, dir("conditions").resolve("bad-deployment.yaml"));

        assertThat(good.denied()).isFalse();
        assertThat(good.decisions()).extracting(Decision::verdict).containsExactly(Outcome.SKIP);
        assertThat(bad.denied()).isTrue();
        assertThat(bad.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verdict()).isEqualTo(Outcome.FAIL);
            assertThat(d.message()).contains("A maximum of 2 containers are allowed inside a Pod.")
                    .contains("deny conditions hold");
        });
    }

    @Test
    void shouldStopApplyingAnExceptionAfterItsExpiry() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("expiring"));
        Files.copy(dir("allows-rejects-creation").resolve("policy.yaml"), d.resolve("policy.yaml"));
        String exception = Files.readString(dir("allows-rejects-creation").resolve("exception.yaml"));
        Path allowedResource = dir("allows-rejects-creation").resolve("configmap-allowed.yaml");

        Files.writeString(d.resolve("exception.yaml"), exception.replace("  name: mynewpolex", """
                  name: mynewpolex
                  annotations:
                    trustplane.dev/expires: "2026-12-06T00:00:00Z"
                """.stripTrailing()));
        PolicyLoader.Loaded expired = new PolicyLoader(null, null).load(d);
        Files.writeString(d.resolve("exception.yaml"), exception.replace("  name: mynewpolex", """
                  name: mynewpolex
                  annotations:
                    trustplane.dev/expires: "2027-01-31T00:00:00Z"
                """.stripTrailing()));
        PolicyLoader.Loaded current = new PolicyLoader(null, null).load(d);
        Files.writeString(d.resolve("exception.yaml"), exception.replace("  name: mynewpolex", """
                  name: mynewpolex
                  annotations:
                    trustplane.dev/expires: "next week"
                """.stripTrailing()));
        PolicyLoader.Loaded broken = new PolicyLoader(null, null).load(d);

        assertThat(evaluate(expired, allowedResource).denied()).isTrue();
        assertThat(expired.problems()).anySatisfy(p -> assertThat(p.message()).contains("expired at 2026-12-06T00:00:00Z"));
        assertThat(evaluate(current, allowedResource).decisions()).singleElement()
                .satisfies(x -> assertThat(x.message()).contains("until 2027-01-31T00:00:00Z"));
        assertThat(broken.problems()).anySatisfy(p -> {
            assertThat(p.severity()).isEqualTo(PolicyProblem.Severity.ERROR);
            assertThat(p.message()).contains("RFC 3339");
        });
        assertThat(broken.exceptions()).isEmpty();
        assertThat(List.of(broken.policies().size())).containsExactly(1);
    }
}
