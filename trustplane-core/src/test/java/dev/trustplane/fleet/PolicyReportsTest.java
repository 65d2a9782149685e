package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Findings as wgpolicyk8s.io/v1alpha2 PolicyReports: one per namespace, results policy-reporter reads. */
class PolicyReportsTest {
    static final Instant AT = Instant.parse("2026-12-06T12:00:00Z");

    static Finding finding(FindingKind kind, String namespace, String workloadKind, String name, Finding.Status status) {
        RunningWorkload w = new RunningWorkload(namespace, workloadKind, name, false, List.of(), Map.of(), Map.of(), null,
                List.of(), List.of());
        Finding f = Finding.of(kind, w, "containers[0] (app)", "r.example/app:1", "sha256:" + "a".repeat(64), null,
                null, List.of(), kind + " happened; fix it");
        return new Finding(f.kind(), f.namespace(), f.workloadKind(), f.workload(), f.container(), f.image(),
                f.runningDigest(), f.admittedDigest(), f.tagDigest(), f.signers(), f.message(), status, AT, AT, null,
                status == Finding.Status.SUPPRESSED ? "accepted" : null,
                status == Finding.Status.SUPPRESSED ? AT.plusSeconds(3600) : null);
    }

    @Test
    void shouldWriteOneReportPerNamespaceWithASummaryAndResults() {
        List<ObjectNode> reports = PolicyReports.of(List.of(
                finding(FindingKind.REVOKED_SIGNER, "prod", "Deployment", "api", Finding.Status.OPEN),
                finding(FindingKind.BREAK_GLASS, "prod", "StatefulSet", "db", Finding.Status.OPEN),
                finding(FindingKind.DIGEST_DRIFT, "prod", "CronJob", "report", Finding.Status.SUPPRESSED),
                finding(FindingKind.NOT_ADMITTED, "dev", "Pod", "debug", Finding.Status.OPEN),
                finding(FindingKind.TAG_MOVED, "gone", "Pod", "x", Finding.Status.RESOLVED)), AT);

        assertThat(reports).extracting(r -> r.path("metadata").path("namespace").asText()).containsExactly("dev", "prod");
        ObjectNode prod = reports.get(1);
        assertThat(prod.path("apiVersion").asText()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(prod.path("kind").asText()).isEqualTo("PolicyReport");
        assertThat(prod.path("metadata").path("name").asText()).isEqualTo("trustplane-drift");
        assertThat(prod.path("summary").toString()).isEqualTo("{\"pass\":0,\"fail\":1,\"warn\":1,\"error\":0,\"skip\":1}");
        assertThat(prod.path("results").get(0).toString()).isEqualTo("{\"policy\":\"trustplane-drift\",\"rule\":"
                + "\"REVOKED_SIGNER\",\"result\":\"fail\",\"severity\":\"critical\",\"category\":\"Supply chain\","
                + "\"source\":\"trustplane\",\"message\":\"REVOKED_SIGNER happened; fix it\",\"timestamp\":{\"seconds\":"
                + AT.getEpochSecond() + ",\"nanos\":0},\"resources\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"name\":\"api\",\"namespace\":\"prod\"}],\"properties\":{\"id\":\"" + prod.path("results").get(0)
                .path("properties").path("id").asText() + "\",\"container\":\"containers[0] (app)\",\"image\":"
                + "\"r.example/app:1\",\"runningDigest\":\"sha256:" + "a".repeat(64) + "\",\"firstSeen\":\"" + AT + "\"}}");
        assertThat(prod.path("results").get(2).path("resources").get(0).path("apiVersion").asText()).isEqualTo("batch/v1");
        assertThat(prod.path("results").get(2).path("properties").path("suppressed").asText())
                .isEqualTo("accepted (until " + AT.plusSeconds(3600) + ")");
        assertThat(PolicyReports.empty("prod", AT).path("results")).isEmpty();
    }
}
