package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.admission.LedgerEntry;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `drift` and `trust` in-process: the JSON contract, exit codes, the store they share, bad input. */
class DriftCommandTest {
    @TempDir
    Path dir;

    CliRun run(String... args) {
        return CliRun.run(Map.of("TRUSTPLANE_DATA", dir.resolve("state").toString(), "DOCKER_CONFIG",
                dir.resolve("docker").toString()), "", args);
    }

    @Test
    void shouldPrintFindingsAsJsonWithTheIssuesFieldsAndExit15() throws Exception {
        Path fleet = Files.writeString(dir.resolve("fleet.json"), TourFiles.fleet("registry.example.com"));
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: trusted-registries}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: allow-list
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate:
                        message: "images come from registry.example.com only"
                        pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}
                """);

        CliRun r = run("drift", "--inventory", fleet.toString(), "--policies", policy.toString(), "-o", "json");

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(15);
        JsonNode findings = Json.mapper().readTree(r.out());
        assertThat(findings.isArray()).isTrue();
        assertThat(findings).hasSize(3);
        for (JsonNode f : findings) {
            assertThat(f.fieldNames()).toIterable().contains("kind", "namespace", "workload", "container", "image",
                    "runningDigest", "admittedDigest", "signers", "status", "message");
        }
        assertThat(findings.findValuesAsText("kind")).containsExactlyInAnyOrder("POLICY_REGRESSION", "NOT_ADMITTED",
                "NOT_ADMITTED");
        assertThat(run("drift", "--inventory", fleet.toString(), "--policies", policy.toString(), "--fail-on",
                "DIGEST_DRIFT,TAG_MOVED").code()).isZero();
        String id = findings.get(0).path("id").asText();
        assertThat(run("drift", "suppress", id.substring(0, 10), "--reason", "known", "--until",
                "2999-01-01T00:00:00Z").code()).isZero();
        JsonNode again = Json.mapper().readTree(run("drift", "--inventory", fleet.toString(), "--policies",
                policy.toString(), "-o", "json").out());
        assertThat(again.findValuesAsText("status")).containsExactlyInAnyOrder("suppressed", "open", "open");
    }

    @Test
    void shouldRefuseMissingOrMalformedInventoriesWithOneLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"kind\": \"List\", \"items\": [");

        CliRun none = run("drift", "--kubeconfig", dir.resolve("nope").toString());
        CliRun malformed = run("drift", "--inventory", bad.toString());

        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).startsWith("trustplane: error: No inventory: pass --inventory FILE");
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).startsWith("trustplane: error: --inventory " + bad + " is not valid JSON: ")
                .endsWith("; pass the output of `kubectl get … -o json`\n");
        assertThat(malformed.err().lines()).hasSize(1);
    }

    @Test
    void shouldRevokeListAndLiftThroughTheStore() throws Exception {
        Path pub = Files.writeString(dir.resolve("k.pub"), Keys.publicPem(Keys.generate().publicKey()));

        assertThat(run("trust", "revoke", "--key", pub.toString()).code()).isEqualTo(2);
        assertThat(run("trust", "revoke", "--key", pub.toString(), "--reason", "leaked", "--since", "yesterday").err())
                .isEqualTo("trustplane: error: --since 'yesterday' is not an RFC 3339 time; write it like"
                        + " 2026-12-01T00:00:00Z\n");
        CliRun revoked = run("trust", "revoke", "--key", pub.toString(), "--reason", "leaked");
        assertThat(revoked.code()).isZero();
        assertThat(revoked.out()).contains("(revocation 1, every signature)");
        CliRun twice = run("trust", "revoke", "--key", pub.toString(), "--reason", "again");
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("is already revoked (revocation 1)");
        JsonNode list = Json.mapper().readTree(run("trust", "list", "-o", "json").out());
        assertThat(list).singleElement().satisfies(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("leaked");
            assertThat(e.path("active").asBoolean()).isTrue();
        });
        assertThat(run("trust", "unrevoke", "1", "--reason", "rotated back").code()).isZero();
        assertThat(run("trust", "unrevoke", "1", "--reason", "again").code()).isEqualTo(3);
        assertThat(run("trust", "list").out()).isEqualTo("No revocations in force.\n");
        assertThat(run("trust", "list", "--all").out()).contains("lifted");
    }

    @Test
    void shouldSimulateAuditToEnforceAndTellNewBreakagesFromKnownOnes() throws Exception {
        Path fleet = Files.writeString(dir.resolve("fleet.json"), TourFiles.fleet("registry.example.com"));
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: trusted-registries}
                spec:
                  validationFailureAction: MODE
                  rules:
                    - name: allow-list
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate:
                        message: "images come from registry.example.com only"
                        pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}
                """;
        Path audit = Files.createDirectories(dir.resolve("audit"));
        Files.writeString(audit.resolve("p.yaml"), policy.replace("MODE", "Audit"));
        Path enforce = Files.createDirectories(dir.resolve("enforce"));
        Files.writeString(enforce.resolve("p.yaml"), policy.replace("MODE", "Enforce"));

        CliRun runway = run("policy", "simulate", "--policies", audit.toString(), "--inventory", fleet.toString(),
                "-o", "json");
        CliRun change = run("policy", "simulate", "--policies", enforce.toString(), "--inventory", fleet.toString());
        CliRun known = run("policy", "simulate", "--policies", enforce.toString(), "--baseline", audit.toString(),
                "--inventory", fleet.toString());

        assertThat(runway.code()).isZero();
        JsonNode breakages = Json.mapper().readTree(runway.out());
        assertThat(breakages).singleElement().satisfies(b -> {
            assertThat(b.path("mode").asText()).isEqualTo("Audit");
            assertThat(b.path("namespace").asText()).isEqualTo("shop");
            assertThat(b.path("team").asText()).isEqualTo("web");
            assertThat(b.path("workload").asText()).isEqualTo("Pod/debug");
            assertThat(b.path("reason").asText()).contains("images come from registry.example.com only");
        });
        assertThat(change.code()).isEqualTo(14);
        assertThat(change.out()).contains("trusted-registries/allow-list (Enforce): denies once applied",
                "shop (team web): 1", "Pod/debug containers[0] (shell) — ");
        assertThat(known.code()).isZero();
        assertThat(known.out()).contains("Pod/debug containers[0] (shell) [known]");
        assertThat(run("policy", "simulate", "--policies", audit.toString(), "--from-ledger", "soon").err())
                .isEqualTo("trustplane: error: --from-ledger 'soon' is neither an RFC 3339 time"
                        + " (2026-12-01T00:00:00Z) nor a duration (24h, 7d)\n");
        assertThat(run("policy", "simulate", "--policies", audit.toString(), "--from-ledger", "7d").out())
                .startsWith("0 admitted requests judged; 0 would be denied by 0 rules");
    }

    @Test
    void shouldFailVerifyForARevokedKeyAndPassAgainOnceLifted() {
        TourImage.write(dir.resolve("layout"), "demo");
        String key = dir.resolve("k").toString();
        Map<String, String> env = Map.of("TRUSTPLANE_DATA", dir.resolve("state").toString(), "TRUSTPLANE_PASSWORD",
                "pw", "DOCKER_CONFIG", dir.resolve("docker").toString());
        String image = "oci:" + dir.resolve("layout") + ":demo";
        assertThat(CliRun.run(env, "", "keygen", "--output-key-prefix", key).code()).isZero();
        assertThat(CliRun.run(env, "", "sign", "--key", key + ".key", image).code()).isZero();
        assertThat(CliRun.run(env, "", "verify", "--key", key + ".pub", "--insecure-ignore-tlog", image).code()).isZero();

        assertThat(CliRun.run(env, "", "trust", "revoke", "--key", key + ".pub", "--reason", "rotated").code()).isZero();
        CliRun revoked = CliRun.run(env, "", "verify", "--key", key + ".pub", "--insecure-ignore-tlog", image);
        assertThat(revoked.code()).isEqualTo(12);
        assertThat(revoked.out()).contains("stage revocation: signed by key ").contains("(revocation 1, recorded ")
                .contains("0 of 2 signatures verified");

        assertThat(CliRun.run(env, "", "trust", "unrevoke", "1", "--reason", "back").code()).isZero();
        assertThat(CliRun.run(env, "", "verify", "--key", key + ".pub", "--insecure-ignore-tlog", image).code()).isZero();
    }

    @Test
    void shouldSimulateFromTheLedgerWhatAuditLetIn() throws Exception {
        Store store = Store.embedded(dir.resolve("state/trustplane.db"));
        long now = System.currentTimeMillis();
        try (AdmissionLedger ledger = new AdmissionLedger(store, 100, Duration.ofSeconds(5), null, EventListener.NONE)) {
            ledger.record(List.of(
                    new LedgerEntry(now, "u1", "VALIDATE", "CREATE", false, "shop", "Deployment", "debug",
                            "containers[0] (shell)", "busybox", null, List.of(), "registries", "allow-list", "h", "FAIL",
                            "Audit", true, "busybox is not from the allowed registry"),
                    new LedgerEntry(now, "u1", "VALIDATE", "CREATE", false, "shop", "Deployment", "debug",
                            "containers[0] (shell)", "busybox", null, List.of(), "signed", "signature", "h", "PASS",
                            "Enforce", true, "signed")));
            ledger.record(List.of(new LedgerEntry(now - Duration.ofDays(30).toMillis(), "u0", "VALIDATE", "CREATE",
                    false, "old", "Pod", "ancient", "containers[0] (c)", "nginx", null, List.of(), "registries",
                    "allow-list", "h", "FAIL", "Audit", true, "long ago")));
        }
        Path audit = Files.createDirectories(dir.resolve("p"));
        Files.writeString(audit.resolve("p.yaml"), """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: registries}
                spec:
                  validationFailureAction: Audit
                  rules:
                    - name: allow-list
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate: {pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}}
                """);

        CliRun r = run("policy", "simulate", "--policies", audit.toString(), "--from-ledger", "7d", "-o", "json");

        assertThat(r.code()).isZero();
        JsonNode breakages = Json.mapper().readTree(r.out());
        assertThat(breakages).singleElement().satisfies(b -> {
            assertThat(b.path("policy").asText()).isEqualTo("registries");
            assertThat(b.path("rule").asText()).isEqualTo("allow-list");
            assertThat(b.path("mode").asText()).isEqualTo("Audit");
            assertThat(b.path("workload").asText()).isEqualTo("Deployment/debug");
            assertThat(b.path("reason").asText()).isEqualTo("busybox is not from the allowed registry");
        });
    }
}
