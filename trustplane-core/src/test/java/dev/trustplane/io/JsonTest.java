package dev.trustplane.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldRefuseJsonNestedDeeperThanTheLimit() throws Exception {
        String ok = "[".repeat(Json.MAX_NESTING) + "]".repeat(Json.MAX_NESTING);
        assertThat(Json.mapper().readTree(ok).isArray()).isTrue();
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> Json.mapper().readTree(deep))
                .hasMessageContaining("exceeds the maximum allowed (" + Json.MAX_NESTING);
    }

    @Test
    void shouldNeverExpandAYamlAliasBomb() throws Exception {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append("]\n");
        }
        // Jackson's YAML parser reads an alias as its anchor's name and never expands it: 10 levels of
        // six-fold aliases (6^10 nodes if expanded) stay 11 short lists
        var tree = Json.yaml().readTree(bomb.toString());
        assertThat(tree.size()).isEqualTo(11);
        assertThat(tree.get("k").toString()).isEqualTo("[\"j\",\"j\",\"j\",\"j\",\"j\",\"j\"]");
    }

    @Test
    void shouldRefuseDuplicateKeysOnlyInTheStrictMappers() throws Exception {
        assertThat(Json.mapper().readTree("{\"a\":1,\"a\":2}").get("a").asInt()).isEqualTo(2);
        assertThatThrownBy(() -> Json.strict().readTree("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> Json.strictYaml().readTree("a: 1\na: 2\n")).hasMessageContaining("Duplicate field 'a'");
    }
}
