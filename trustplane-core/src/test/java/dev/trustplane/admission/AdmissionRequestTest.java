package dev.trustplane.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.Outcome;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import dev.trustplane.policy.FailureAction;
import dev.trustplane.workload.ContainerImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SPEC = "{\"initContainers\":[{\"name\":\"init\",\"image\":\"a:1\"}],\"containers\":[{\"name\":"
            + "\"app\",\"image\":\"b:1\"},{\"name\":\"side\",\"image\":\"c:1\"}],\"ephemeralContainers\":[{\"name\":"
            + "\"debug\",\"image\":\"d:1\"}]}";

    static byte[] review(String kind, String group, String object) {
        return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u-1\","
                + "\"kind\":{\"group\":\"" + group + "\",\"version\":\"v1\",\"kind\":\"" + kind + "\"},\"namespace\":\"ns\","
                + "\"operation\":\"CREATE\",\"object\":" + object + "}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldFindEveryContainerOfEveryWorkloadKindWithItsPatchPath() {
        Map<String, String> prefixes = Map.of("Pod", "/spec", "Deployment", "/spec/template/spec", "ReplicaSet",
                "/spec/template/spec", "StatefulSet", "/spec/template/spec", "DaemonSet", "/spec/template/spec", "Job",
                "/spec/template/spec", "ReplicationController", "/spec/template/spec", "CronJob",
                "/spec/jobTemplate/spec/template/spec");
        for (var e : prefixes.entrySet()) {
            String object = switch (e.getKey()) {
                case "Pod" -> "{\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"x\"}},\"spec\":" + SPEC + "}";
                case "CronJob" -> "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":"
                        + "{\"metadata\":{\"labels\":{\"t\":\"1\"}},\"spec\":" + SPEC + "}}}}}";
                default -> "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"t\":\"1\"}},"
                        + "\"spec\":" + SPEC + "}}}";
            };

            AdmissionRequest r = AdmissionRequest.parse(review(e.getKey(), "", object), null);

            assertThat(r.resource().images()).as(e.getKey()).extracting(ContainerImage::image)
                    .containsExactly("a:1", "b:1", "c:1", "d:1");
            assertThat(r.resource().images().get(2).pointer()).isEqualTo(e.getValue() + "/containers/1/image");
            assertThat(r.resource().images().get(0).label()).isEqualTo("initContainers[0] (init)");
            assertThat(r.resource().pod().path("spec").path("containers").size()).isEqualTo(2);
            assertThat(r.resource().pod().path("kind").asText()).isEqualTo("Pod");
        }
    }

    @Test
    void shouldRefuseMalformedRequestsNamingTheProblem() {
        assertThatThrownBy(() -> AdmissionRequest.parse("{".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(AdmissionException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> AdmissionRequest.parse("[]".getBytes(StandardCharsets.UTF_8), null))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> AdmissionRequest.parse(new String(review("Pod", "", "{}"), StandardCharsets.UTF_8)
                .replace("\"operation\":\"CREATE\"", "\"operation\":\"PATCH\"").getBytes(StandardCharsets.UTF_8), null))
                .hasMessageContaining("request.operation").hasMessageContaining("PATCH");
        assertThatThrownBy(() -> AdmissionRequest.parse(review("Pod", "", "{\"spec\":{\"containers\":[{\"image\":7}]}}"),
                null)).hasMessageContaining("containers[0].image is not a string");
        assertThatThrownBy(() -> AdmissionRequest.parse(new byte[AdmissionRequest.MAX_BYTES + 1], null))
                .isInstanceOfSatisfying(AdmissionException.class, e -> assertThat(e.status()).isEqualTo(413));
        String deep = "[".repeat(500) + "]".repeat(500);
        assertThatThrownBy(() -> AdmissionRequest.parse(review("Pod", "", "{\"x\":" + deep + "}"), null))
                .isInstanceOf(AdmissionException.class);
        assertThatThrownBy(() -> AdmissionRequest.parse(new String(review("Pod", "", "{}"), StandardCharsets.UTF_8)
                .replace("\"uid\":\"u-1\",", "\"uid\":\"u-1\",\"uid\":\"u-2\",").getBytes(StandardCharsets.UTF_8), null))
                .hasMessageContaining("not JSON");
    }

    @Test
    void shouldAnswerWithUidDenialsWarningsWithinLimitsAndAGuardedPatch() throws Exception {
        List<Decision> ds = new ArrayList<>();
        ds.add(new Decision("p", "h", "r", FailureAction.ENFORCE, "containers[0] (app)", "b:1", null,
                Outcome.FAIL, "denied because", List.of()));
        for (int i = 0; i < 40; i++) {
            ds.add(new Decision("audit", "h", "r" + i, FailureAction.AUDIT, null, null, null, Outcome.FAIL,
                    "x".repeat(300), List.of()));
        }
        JsonNode denied = JSON.readTree(AdmissionResponse.of("u-1", new Evaluation(ds, List.of()), true)).path("response");
        JsonNode pinned = JSON.readTree(AdmissionResponse.of("u-2", new Evaluation(List.of(), List.of(
                new Evaluation.Pin("/spec/containers/0/image", "b:1", "b:1@sha256:00"))), true)).path("response");

        assertThat(denied.path("uid").asText()).isEqualTo("u-1");
        assertThat(denied.path("allowed").asBoolean()).isFalse();
        assertThat(denied.path("status").path("message").asText()).contains("denied because");
        assertThat(denied.has("patch")).isFalse();
        int total = 0;
        for (JsonNode w : denied.path("warnings")) {
            assertThat(w.asText().length()).isLessThanOrEqualTo(AdmissionResponse.MAX_WARNING);
            total += w.asText().length();
        }
        assertThat(total).isLessThanOrEqualTo(AdmissionResponse.MAX_WARNINGS_TOTAL + 100);
        assertThat(denied.path("warnings").get(denied.path("warnings").size() - 1).asText()).contains("more findings");
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(pinned.path("patch").asText()));
        assertThat(patch.get(0).path("op").asText()).isEqualTo("test");
        assertThat(patch.get(0).path("value").asText()).isEqualTo("b:1");
        assertThat(patch.get(1).path("value").asText()).isEqualTo("b:1@sha256:00");
    }
}
