package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `audit` in-process (an unreachable registry: every read is retried, hence an IT): bad configuration in one message, the report written as JSON and HTML, the trend. */
class AuditCommandIT {
    @TempDir
    Path dir;

    CliRun run(String... args) {
        return CliRun.run(Map.of("TRUSTPLANE_DATA", dir.resolve("state").toString(), "DOCKER_CONFIG",
                dir.resolve("docker").toString(), "TRUSTPLANE_CACHE", dir.resolve("cache").toString()), "", args);
    }

    @Test
    void shouldNameEveryProblemOfTheOriginsFileAndExit2() throws Exception {
        Path fleet = Files.writeString(dir.resolve("fleet.json"), TourFiles.fleet("127.0.0.1:1"));
        Path origins = Files.writeString(dir.resolve("origins.yaml"), """
                origins:
                  - name: team
                    repositories: []
                    keys: [nowhere.pub]
                weights: {unsigned: lots}
                """);
        CliRun r = run("audit", "--inventory", fleet.toString(), "--origins", origins.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("origins.yaml has 3 problems").contains("`repositories` lists no pattern")
                .contains("nowhere.pub").contains("weights.unsigned must be a whole number");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void shouldWriteTheReportAsJsonAndHtmlAndShowTheTrend() throws Exception {
        Path fleet = Files.writeString(dir.resolve("fleet.json"), TourFiles.fleet("127.0.0.1:1"));
        Path json = dir.resolve("audit.json");
        CliRun first = run("audit", "--inventory", fleet.toString(), "-o", "json", "--output-file", json.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("Audit of 2 workloads written to " + json);
        JsonNode report = Json.mapper().readTree(Files.readAllBytes(json));
        // nothing could be read: every image is unknown, and unknown is never clean
        assertThat(report.at("/summary/signing/UNKNOWN").asInt()).isEqualTo(2);
        assertThat(report.at("/summary/grades/A").asInt()).isZero();
        assertThat(report.path("trend").isNull()).isTrue();

        Path html = dir.resolve("audit.html");
        CliRun second = run("audit", "--inventory", fleet.toString(), "-o", "html", "--output-file", html.toString());
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("id=\"remediation\"")
                .contains("Compared with");
        // with --policies a drift pass runs first: its findings count in the same audit
        Path policy = Files.writeString(dir.resolve("policy.yaml"), TourFiles.policies("127.0.0.1:1", null, null));
        CliRun table = run("audit", "--inventory", fleet.toString(), "--policies", policy.toString());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("Audit of 2 workloads over 2 images").contains("Since ")
                .contains("ORIGIN × SIGNING", "CVES BY SIGNING STATE", "COMPLIANCE SCOPE", "TEAM", "PATCH AGE",
                        "REMEDIATION ORDER").contains("Pod shop/debug");
        JsonNode withFindings = Json.mapper().readTree(run("audit", "--inventory", fleet.toString(), "-o", "json")
                .out());
        assertThat(withFindings.findValuesAsText("kind")).contains("NOT_ADMITTED", "POLICY_REGRESSION");
    }
}
