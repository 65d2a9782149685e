package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WildcardsTest {
    @Test
    void shouldMatchKyvernoWildcards() {
        assertThat(Wildcards.match("ghcr.io/org/*", "ghcr.io/org/app:1")).isTrue();
        assertThat(Wildcards.match("ghcr.io/org/app:?", "ghcr.io/org/app:1")).isTrue();
        assertThat(Wildcards.match("ghcr.io/org/*", "ghcr.io/other/app:1")).isFalse();
        assertThat(Wildcards.match("*", "")).isTrue();
        assertThat(Wildcards.match("a*b*c", "aXbYbZc")).isTrue();
        assertThat(Wildcards.match("a*b*c", "aXbYbZ")).isFalse();
    }

    /** Found by fuzzing: a '*' in the text consumed the pattern's '*' as a literal, so "*" did not match "*:usybox". */
    @Test
    void shouldKeepAStarAWildcardWhereTheTextHasAStar() {
        assertThat(Wildcards.match("*", "*:usybox")).isTrue();
        assertThat(Wildcards.match("ghcr.io/*", "ghcr.io/*x")).isTrue();
        assertThat(Wildcards.match("*/app", "*/x/app")).isTrue();
    }
}
