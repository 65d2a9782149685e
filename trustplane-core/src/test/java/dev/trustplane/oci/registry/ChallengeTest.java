package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void shouldParseQuotedParametersWithCommas() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:a/b:pull,push\"");
        assertThat(c.isBearer()).isTrue();
        assertThat(c.realm()).isEqualTo("https://auth.example/token");
        assertThat(c.params()).containsEntry("scope", "repository:a/b:pull,push")
                .containsEntry("service", "registry.example");
    }

    @Test
    void shouldParseBasic() {
        Challenge c = Challenge.parse("Basic realm=\"Registry Realm\"");
        assertThat(c.isBasic()).isTrue();
        assertThat(c.realm()).isEqualTo("Registry Realm");
    }
}
