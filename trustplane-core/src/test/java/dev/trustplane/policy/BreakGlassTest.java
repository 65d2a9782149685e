package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.io.Json;
import dev.trustplane.workload.Workloads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Break-glass: admitted under Enforce with a warning while in force, denied without a valid, bounded expiry. */
class BreakGlassTest {
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    final PolicyEngineTest.StubVerifier verifier = new PolicyEngineTest.StubVerifier();

    Evaluation evaluate(String annotations) throws Exception {
        JsonNode pod = Json.mapper().readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                + "\"namespace\":\"prod\",\"annotations\":{" + annotations + "}},\"spec\":{\"containers\":[{\"name\":"
                + "\"app\",\"image\":\"unsigned/app:1\"}]}}");
        Resource resource = Resource.of(Workloads.of(pod), null, "CREATE", null, null, null);
        try (PolicyEngine engine = new PolicyEngine(PolicyEngineTest.load(PolicyEngineTest.twoKeys("")), verifier,
                Clock.fixed(NOW, ZoneOffset.UTC))) {
            return engine.evaluate(resource, Phase.VALIDATE, Duration.ofSeconds(5));
        }
    }

    static String glass(String ticket, String expires) {
        return "\"trustplane.dev/break-glass\":\"" + ticket + "\"" + (expires == null ? ""
                : ",\"trustplane.dev/break-glass-expires\":\"" + expires + "\"");
    }

    @Test
    void shouldAdmitUnderEnforceWithAWarningAndRecordTheException() throws Exception {
        assertThat(evaluate("").denied()).isTrue();

        Evaluation ev = evaluate(glass("INC-42", "2026-12-07T12:00:00Z"));

        assertThat(ev.denied()).isFalse();
        assertThat(ev.warnings()).hasSize(2);
        assertThat(ev.decisions().get(0).message()).startsWith("[break-glass INC-42 until 2026-12-07T12:00:00Z] policy sig");
        Decision exception = ev.decisions().get(1);
        assertThat(exception.rule()).isEqualTo("break-glass");
        assertThat(exception.action()).isEqualTo(FailureAction.AUDIT);
        assertThat(exception.message()).isEqualTo("Pod prod/p admitted by break-glass INC-42 until"
                + " 2026-12-07T12:00:00Z over 1 Enforce failure; drift reports it until it expires — fix the workload and"
                + " remove the annotations");
    }

    @Test
    void shouldDenyAnExceptionWithoutAValidBoundedExpiry() throws Exception {
        List<String> cases = List.of(glass("INC-42", null), glass("INC-42", "tomorrow"),
                glass("INC-42", "2026-12-06T11:59:59Z"), glass("INC-42", "2026-12-20T00:00:00Z"),
                glass("", "2026-12-07T00:00:00Z"));
        List<String> expected = List.of(
                "break-glass INC-42 has no trustplane.dev/break-glass-expires; add one (RFC 3339, at most 7 days ahead)"
                        + " — an exception without an end is not accepted",
                "break-glass INC-42: trustplane.dev/break-glass-expires 'tomorrow' is not an RFC 3339 time (e.g."
                        + " 2026-12-24T18:00:00Z)",
                "break-glass INC-42 expired at 2026-12-06T11:59:59Z; fix the workload, or renew the exception with a"
                        + " new expiry",
                "break-glass INC-42 expires at 2026-12-20T00:00:00Z, more than 7 days ahead; set"
                        + " trustplane.dev/break-glass-expires to at most 2026-12-13T12:00:00Z",
                "trustplane.dev/break-glass names no ticket; write the incident or change ticket as its value");
        for (int i = 0; i < cases.size(); i++) {
            Evaluation ev = evaluate(cases.get(i));
            assertThat(ev.denied()).as(cases.get(i)).isTrue();
            Decision refused = ev.decisions().get(ev.decisions().size() - 1);
            assertThat(refused.verdict()).isEqualTo(Outcome.FAIL);
            assertThat(refused.message()).isEqualTo("break-glass refused for Pod prod/p: " + expected.get(i));
        }
    }
}
