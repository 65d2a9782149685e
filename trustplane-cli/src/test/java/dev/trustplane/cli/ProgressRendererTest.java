package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.event.Event;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** serve --log-format json: one JSON object per line, whatever the message holds; no progress noise. */
class ProgressRendererTest {
    @Test
    void shouldWriteOneJsonObjectPerMessageAndNoProgress() throws Exception {
        StringWriter out = new StringWriter();
        ProgressRenderer json = ProgressRenderer.json(new PrintWriter(out), false);
        json.log(Event.Level.INFO, "admission webhook on https://0.0.0.0:8443 with 2 policies");
        json.on(new Event.Message(Event.Level.WARN, "policy \"a\"\nrefused: line 3"));
        json.on(new Event.Message(Event.Level.DEBUG, "not shown without --verbose"));
        json.on(new Event.Progress("t", "layer", 10, 10, true));

        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        JsonNode second = new ObjectMapper().readTree(lines[1]);
        assertThat(first.path("level").asText()).isEqualTo("info");
        assertThat(first.path("logger").asText()).isEqualTo("trustplane");
        assertThat(first.path("msg").asText()).startsWith("admission webhook on");
        assertThat(Instant.parse(first.path("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(second.path("level").asText()).isEqualTo("warn");
        assertThat(second.path("msg").asText()).isEqualTo("policy \"a\"\nrefused: line 3");
    }
}
