package dev.trustplane.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.sigstore.Dsse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DsseTest {

    @Test
    void shouldEncodePaeAsTheDsseSpecExampleDoes() {
        byte[] pae = Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(pae, StandardCharsets.UTF_8))
                .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void shouldCountBytesNotCharactersInPae() {
        byte[] pae = Dsse.pae("t", "é".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(pae, StandardCharsets.UTF_8)).isEqualTo("DSSEv1 1 t 2 é");
    }
}
