package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
}
