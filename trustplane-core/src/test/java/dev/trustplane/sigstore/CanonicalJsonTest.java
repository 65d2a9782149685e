package dev.trustplane.sigstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** RFC 8785 §3.2.2.3's example, written by its authors; found missing by fuzzing a policy holding "0.5". */
    @Test
    void shouldWriteNumbersAsRfc8785Does() throws Exception {
        String in = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}";

        assertThat(new String(CanonicalJson.of(JSON.readTree(in)), StandardCharsets.UTF_8))
                .isEqualTo("{\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27]}");
    }

    @Test
    void shouldSortKeysAndKeepIntegersAsWritten() throws Exception {
        String in = "{\"b\": [1, -0.5, 100000000000000000000000], \"a\": {\"z\": null, \"y\": true}}";

        assertThat(new String(CanonicalJson.of(JSON.readTree(in)), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":{\"y\":true,\"z\":null},\"b\":[1,-0.5,100000000000000000000000]}");
    }

    /** TUF's canonical form (securesystemslib's): only quote and backslash escaped, no floats. */
    @Test
    void shouldWriteTheOlpcFormTufSigns() throws Exception {
        var node = new ObjectMapper().readTree(
                "{\"b\": [1, true, null], \"a\": \"x\\\"y\\\\z\\nw\"}");
        assertThat(new String(CanonicalJson.olpc(node), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":\"x\\\"y\\\\z\nw\",\"b\":[1,true,null]}");
        assertThatThrownBy(() -> CanonicalJson.olpc(new ObjectMapper().readTree("1.5")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
