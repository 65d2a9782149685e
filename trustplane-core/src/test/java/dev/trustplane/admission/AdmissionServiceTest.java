package dev.trustplane.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.event.EventListener;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission service's contract with the ledger, against the real embedded store: a request
 * writes a bounded number of rows, every decision is recorded under load, and a request the
 * ledger cannot record is denied under Enforce.
 */
class AdmissionServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static List<Policy> policy(String action) {
        String yaml = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: registries}
                spec:
                  validationFailureAction: ACTION
                  rules:
                    - name: trusted
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate:
                        message: "untrusted registry"
                        pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}
                """.replace("ACTION", action);
        return new PolicyLoader(null, null).parse(yaml.getBytes(StandardCharsets.UTF_8), "p.yaml").orThrow();
    }

    static byte[] review(String uid, String name, int containers, String image) {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < containers; i++) {
            c.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"").append(image)
                    .append("\"}");
        }
        return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"" + uid
                + "\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"namespace\":\"web\","
                + "\"operation\":\"CREATE\",\"object\":{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":"
                + "{\"containers\":[" + c + "]}}}}").getBytes(StandardCharsets.UTF_8);
    }

    private static long count(Store store, String sql) throws Exception {
        try (Connection c = store.connect(); var s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static JsonNode response(AdmissionService.Answer answer) throws Exception {
        return JSON.readTree(answer.body()).path("response");
    }

    @Test
    void shouldSummariseAPodWithFiftyThousandContainersInAtMostOneHundredRows() {
        try (PolicyEngine engine = new PolicyEngine(List.of(), null)) {
            AdmissionRequest request = AdmissionRequest.parse(review("u", "huge", 50_000, "docker.io/library/a:1"),
                    ns -> null);
            var evaluation = engine.evaluate(request.resource(), Phase.VALIDATE, Duration.ofSeconds(5));
            List<LedgerEntry> rows = AdmissionService.entries(request, evaluation, Phase.VALIDATE, 0);
            assertThat(rows).hasSize(AdmissionService.MAX_ROWS_PER_REVIEW);
            LedgerEntry summary = rows.get(rows.size() - 1);
            assertThat(summary.rule()).isEqualTo("ledger-summary");
            assertThat(summary.message()).isEqualTo("49901 more decisions of this request, summarised (one request"
                    + " writes at most 100 rows): 49901 NONE");
        }
    }

    @Test
    void shouldRecordEveryDecisionWhenHugePodsArriveAlongsideNormalReviews() throws Exception {
        Store store = Store.embedded(dir.resolve("t.db"));
        AdmissionLedger ledger = new AdmissionLedger(store, 10_000, Duration.ofMillis(50), null, EventListener.NONE);
        try (PolicyEngine engine = new PolicyEngine(policy("Enforce"), null)) {
            AdmissionService service = new AdmissionService(engine, ledger, Duration.ofSeconds(8), ns -> null,
                    Clock.systemUTC());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<AdmissionService.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] huge = review("huge-" + i, "huge-" + i, 50_000, "registry.example.com/app:1");
                answers.add(pool.submit(() -> service.review(huge, Phase.VALIDATE)));
            }
            for (int i = 0; i < 60; i++) {
                byte[] normal = review("n-" + i, "n-" + i, 1, (i % 2 == 0 ? "registry.example.com" : "evil.example")
                        + "/app:" + i);
                answers.add(pool.submit(() -> service.review(normal, Phase.VALIDATE)));
            }
            int denied = 0;
            for (Future<AdmissionService.Answer> a : answers) {
                denied += response(a.get()).path("allowed").asBoolean() ? 0 : 1;
            }
            pool.shutdown();
            assertThat(denied).isEqualTo(30);
        } finally {
            ledger.close(Duration.ofSeconds(60));
        }
        assertThat(ledger.dropped()).isZero();
        assertThat(count(store, "SELECT COUNT(DISTINCT request_uid) FROM admission_decisions")).isEqualTo(63);
        assertThat(count(store, "SELECT COUNT(*) FROM admission_decisions WHERE allowed = 0")).isEqualTo(30);
        assertThat(count(store, "SELECT COUNT(*) FROM admission_decisions WHERE request_uid LIKE 'huge-%'"))
                .isEqualTo(300);
    }

    @Test
    void shouldDenyUnderEnforceWhenTheLedgerCannotRecordTheRequest() throws Exception {
        Store store = Store.embedded(dir.resolve("t.db"));
        // room for one row: a Pod with two containers can never be recorded
        AdmissionLedger ledger = new AdmissionLedger(store, 1, Duration.ofMillis(50), null, EventListener.NONE);
        try (PolicyEngine enforce = new PolicyEngine(policy("Enforce"), null);
             PolicyEngine audit = new PolicyEngine(policy("Audit"), null)) {
            byte[] body = review("u", "two", 2, "registry.example.com/app:1");
            JsonNode denied = response(new AdmissionService(enforce, ledger, Duration.ofSeconds(1), ns -> null,
                    Clock.systemUTC()).review(body, Phase.VALIDATE));
            assertThat(denied.path("allowed").asBoolean()).isFalse();
            assertThat(denied.path("status").path("message").asText()).isEqualTo("Trustplane denied the request: the admission"
                    + " ledger (" + store.location() + ") could not record this request's decisions in time (0"
                    + " decisions waiting); denied because Enforce never admits what it cannot record — retry, and"
                    + " check the store");
            JsonNode warned = response(new AdmissionService(audit, ledger, Duration.ofSeconds(1), ns -> null,
                    Clock.systemUTC()).review(body, Phase.VALIDATE));
            assertThat(warned.path("allowed").asBoolean()).isTrue();
            assertThat(warned.path("warnings").toString()).contains("admitted because no Enforce rule applies");
        } finally {
            ledger.close(Duration.ofSeconds(10));
        }
        // each request: the rule's decision and a NONE row per container, counted as not recorded
        assertThat(ledger.dropped()).isEqualTo(6);
    }

    static byte[] update(String image, String oldImage, boolean deleting) {
        String meta = "{\"name\":\"p\"" + (deleting ? ",\"deletionTimestamp\":\"2026-12-06T00:00:00Z\","
                + "\"finalizers\":[]" : "") + "}";
        String oldMeta = "{\"name\":\"p\"" + (deleting ? ",\"deletionTimestamp\":\"2026-12-06T00:00:00Z\","
                + "\"finalizers\":[\"example.com/cleanup\"]" : "") + "}";
        return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"d\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"namespace\":\"web\","
                + "\"operation\":\"UPDATE\",\"object\":{\"metadata\":" + meta + ",\"spec\":{\"containers\":[{\"name\":"
                + "\"c0\",\"image\":\"" + image + "\"}]}},\"oldObject\":{\"metadata\":" + oldMeta + ",\"spec\":"
                + "{\"containers\":[{\"name\":\"c0\",\"image\":\"" + oldImage + "\"}]}}}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAdmitAndRecordTheUpdateOfAWorkloadBeingDeletedWhenItsImagesDidNotChange() throws Exception {
        Store store = Store.embedded(dir.resolve("trustplane.db"));
        AdmissionLedger ledger = new AdmissionLedger(store, 1000, Duration.ofSeconds(5), null, EventListener.NONE);
        try (PolicyEngine engine = new PolicyEngine(policy("Enforce"), null)) {
            AdmissionService service = new AdmissionService(engine, ledger, Duration.ofSeconds(5), ns -> null,
                    Clock.systemUTC());
            // finalizers going away from a pod whose image the policy would deny: admitted, recorded
            JsonNode deleting = response(service.review(update("docker.io/evil:1", "docker.io/evil:1", true),
                    Phase.VALIDATE));
            assertThat(deleting.path("allowed").asBoolean()).isTrue();
            // an image changed on the way out, or no deletion at all: verified as usual, and denied
            assertThat(response(service.review(update("docker.io/evil:2", "docker.io/evil:1", true),
                    Phase.VALIDATE)).path("allowed").asBoolean()).isFalse();
            assertThat(response(service.review(update("docker.io/evil:1", "docker.io/evil:1", false),
                    Phase.VALIDATE)).path("allowed").asBoolean()).isFalse();
        }
        ledger.close(Duration.ofSeconds(30));
        assertThat(count(store, "SELECT COUNT(*) FROM admission_decisions WHERE rule_name = 'deletion'"
                + " AND allowed = 1")).isEqualTo(1);
    }
}
