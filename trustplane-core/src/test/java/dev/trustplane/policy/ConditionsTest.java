package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    private static final JsonNode PREDICATE = PatternsTest.yaml("""
            repo: {uri: "https://github.com/example/app", branch: main}
            reviewers: [ana@example.com, eve@example.com]
            scan: {critical: 0, high: 3, age: 90m}
            version: "1.10.2"
            """);

    private static Conditions.Condition c(String key, String op, JsonNode value) {
        return new Conditions.Condition(TextNode.valueOf(key), op, value, null);
    }

    private static boolean holds(String key, String op, String valueYaml) {
        return Conditions.holds(c(key, op, PatternsTest.yaml("v: " + valueYaml).get("v")), PREDICATE);
    }

    @Test
    void shouldApplyKyvernoOperators() {
        assertThat(holds("{{ repo.uri }}", "Equals", "\"https://github.com/example/*\"")).isTrue();
        assertThat(holds("{{ repo.branch }}", "NotEquals", "main")).isFalse();
        assertThat(holds("{{ reviewers }}", "AnyIn", "[ana@example.com, bob@example.com]")).isTrue();
        assertThat(holds("{{ reviewers }}", "AllIn", "[ana@example.com, bob@example.com]")).isFalse();
        assertThat(holds("{{ reviewers }}", "AnyNotIn", "[ana@example.com]")).isTrue();
        assertThat(holds("{{ reviewers }}", "AllNotIn", "[mallory@example.com]")).isTrue();
        assertThat(holds("{{ scan.critical }}", "Equals", "0")).isTrue();
        assertThat(holds("{{ scan.high }}", "LessThanOrEquals", "2")).isFalse();
        assertThat(holds("{{ scan.high }}", "GreaterThan", "\"2\"")).isTrue();
        assertThat(holds("{{ version }}", "GreaterThanOrEquals", "\"1.9.0\"")).isTrue();
        assertThat(holds("{{ scan.age }}", "DurationLessThan", "2h")).isTrue();
        assertThat(holds("{{ scan.age }}", "DurationGreaterThan", "1h30m")).isFalse();
        assertThat(holds("{{ missing.field }}", "Equals", "x")).isFalse();
    }

    @Test
    void shouldExplainTheFailingConditionWithTheValueFound() {
        Conditions.Block block = new Conditions.Block(List.of(
                c("{{ repo.branch }}", "Equals", TextNode.valueOf("main")),
                c("{{ scan.high }}", "Equals", PatternsTest.yaml("v: 0").get("v"))), List.of());

        String why = Conditions.evaluate(List.of(block), PREDICATE);

        assertThat(why).contains("scan.high").contains("found 3");
    }

    @Test
    void shouldSubstituteVariablesInMessagesAndReportBadExpressions() {
        JsonNode ctx = PatternsTest.yaml("request: {object: {metadata: {name: web}}}");
        assertThat(Conditions.substitute("pod {{request.object.metadata.name}} is bad", ctx)).isEqualTo("pod web is bad");
        assertThat(Conditions.check(TextNode.valueOf("{{ a[ }}"))).contains("JMESPath");
        assertThat(Conditions.duration(TextNode.valueOf("1h30m"))).hasMinutes(90);
        assertThat(Conditions.duration(TextNode.valueOf("soon"))).isNull();
    }

    @Test
    void shouldSubstituteNestedVariablesInnermostFirstAndCallKyvernosFunctions() {
        // as in kyverno/policies verify-image-slsa: the inner variable's text goes into the outer call
        assertThat(holds("{{ regex_match('^https://github.com/example/.*$','{{ repo.uri }}') }}", "Equals", "true"))
                .isTrue();
        assertThat(holds("{{ regex_match('^https://gitlab.com/','{{ repo.uri }}') }}", "Equals", "true")).isFalse();
        assertThat(holds("{{ to_upper(repo.branch) }}", "Equals", "MAIN")).isTrue();
        assertThat(holds("{{ split(version, '.') }}", "Equals", "[\"1\", \"10\", \"2\"]")).isTrue();
        assertThat(holds("{{ truncate(repo.uri, `8`) }}", "Equals", "https://")).isTrue();
        assertThat(holds("{{ lookup(reviewers, `1`) }}", "Equals", "eve@example.com")).isTrue();
        assertThat(holds("{{ semver_compare(version, '>=1.9.0 <2.0.0') }}", "Equals", "true")).isTrue();
        assertThat(holds("{{ semver_compare(version, '<1.0.0 || >=1.10.3') }}", "Equals", "true")).isFalse();
        assertThat(holds("{{ compare('a', 'b') }}", "Equals", "-1")).isTrue();
        assertThat(holds("{{ base64_decode(base64_encode('x:y')) }}", "Equals", "x:y")).isTrue();
        assertThat(holds("{{ time_since('', '2026-01-01T00:00:00Z', '2026-01-02T02:03:04Z') }}", "Equals",
                "26h3m4s")).isTrue();
        assertThat(KyvernoFunctions.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @Test
    void shouldTellAMissingFunctionFromASyntaxError() {
        assertThat(Conditions.check(TextNode.valueOf("{{ sha256(repo.uri) }}"))).startsWith(
                "the JMESPath expression \"sha256(repo.uri)\" calls sha256(), a function Trustplane does not support");
        assertThat(Conditions.check(TextNode.valueOf("{{ repo.uri[ }}"))).startsWith(
                "the JMESPath expression \"repo.uri[\" is invalid:");
        assertThat(Conditions.check(TextNode.valueOf("{{ regex_match('^x','{{ repo.uri }}') }}"))).isNull();
    }
}
