package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.layout.OciLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `db import`, `db status` and `scan` in-process: output, exit codes and exact error lines. */
class ScanCommandTest {
    private static final String TRACKER = """
            {"openssl": {
               "CVE-2024-0001": {"description": "Fixed by a security update.", "releases": {"bookworm":
                  {"status": "resolved", "fixed_version": "3.0.15-1~deb12u1", "urgency": "high"}}},
               "CVE-2024-0003": {"description": "Unimportant.", "releases": {"bookworm":
                  {"status": "open", "urgency": "unimportant"}}}},
             "zlib": {
               "CVE-2024-0400": {"description": "Open, no fix.", "releases": {"bookworm":
                  {"status": "open", "urgency": "low"}}}}}
            """;
    private static final String SBOM = """
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
              {"type": "library", "name": "libssl3", "version": "3.0.11-1~deb12u2",
               "purl": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
               "properties": [{"name": "trustplane:debian:source", "value": "openssl"}]},
              {"type": "library", "name": "zlib1g", "version": "1:1.2.13.dfsg-1",
               "purl": "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12",
               "properties": [{"name": "trustplane:debian:source", "value": "zlib"}]}]}
            """;

    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.run(Map.of("TRUSTPLANE_CACHE", dir.resolve("cache").toString()), "", args);
    }

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("tracker.json"), TRACKER);
        Files.writeString(dir.resolve("sbom.json"), SBOM);
    }

    @Test
    void shouldSayHowToImportWhenThereIsNoDatabase() {
        CliRun r = run("scan", dir.resolve("sbom.json").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("trustplane: error: No vulnerability database in " + dir.resolve("cache/vulndb")
                + "; import the Debian security tracker first: `trustplane db import FILE`\n");
    }

    @Test
    void shouldImportThenScanWithSeveritiesFixVersionsAndTheFailThreshold() {
        CliRun imported = run("db", "import", dir.resolve("tracker.json").toString(), "--taken-at",
                Instant.now().toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("Imported 3 records (3 CVEs in 2 source packages; releases bookworm)");
        assertThat(run("db", "status").out()).contains("Records:   3 (3 CVEs, 2 source packages)");

        CliRun scan = run("scan", dir.resolve("sbom.json").toString());
        assertThat(scan.code()).isZero();
        assertThat(scan.out()).contains("2 findings: HIGH 1, LOW 1 (0 records say not affected)")
                .containsPattern("HIGH +CVE-2024-0001 +libssl3 +3\\.0\\.11-1~deb12u2 +3\\.0\\.15-1~deb12u1 +fixed in a"
                        + " newer version")
                .containsPattern("LOW +CVE-2024-0400 +zlib1g +1:1\\.2\\.13\\.dfsg-1 +- +affected, no fix yet")
                .doesNotContain("CVE-2024-0003");
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--fail-on", "high").code()).isEqualTo(11);
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--fail-on", "critical").code()).isZero();
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--ignore-unfixed", "--format", "json").out())
                .contains("\"vulnerability\" : \"CVE-2024-0001\"", "\"record\" : \"debian-tracker:openssl/CVE-2024-0001/bookworm\"")
                .doesNotContain("CVE-2024-0400");
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--show-unimportant").out())
                .containsPattern("NEGLIGIBLE +CVE-2024-0003");
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--show-unimportant", "--severity",
                "unimportant=low", "--severity", "low=medium").out())
                .containsPattern("LOW +CVE-2024-0003").containsPattern("MEDIUM +CVE-2024-0400");
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--format", "sarif").out())
                .contains("\"version\" : \"2.1.0\"", "\"ruleId\" : \"CVE-2024-0001\"", "\"level\" : \"error\"",
                        "\"security-severity\" : \"8.0\"");
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--format", "in-toto").out())
                .contains("\"predicateType\" : \"https://in-toto.io/attestation/vulns/v0.1\"",
                        "\"id\" : \"CVE-2024-0400\"");
    }

    @Test
    void shouldApplyOpenVexAndShowWhatItSuppressed() throws Exception {
        run("db", "import", dir.resolve("tracker.json").toString(), "--taken-at", Instant.now().toString());
        Files.writeString(dir.resolve("vex.json"), """
                {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.org/vex/base-1",
                 "author": "Example", "timestamp": "2026-11-20T00:00:00Z", "version": 1,
                 "statements": [{"vulnerability": {"name": "CVE-2024-0400"},
                   "products": [{"@id": "pkg:oci/base", "subcomponents": [{"@id": "pkg:deb/debian/zlib1g"}]}],
                   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
                """);
        CliRun r = run("scan", dir.resolve("sbom.json").toString(), "--vex", dir.resolve("vex.json").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 findings: HIGH 1").contains("Suppressed by VEX (1):\n  CVE-2024-0400 zlib1g:"
                + " not_affected (vulnerable_code_not_in_execute_path) — https://example.org/vex/base-1\n");
    }

    @Test
    void shouldApplyOnlyTheOpenVexAttestationsThatVerify() throws Exception {
        run("db", "import", dir.resolve("tracker.json").toString(), "--taken-at", Instant.now().toString());
        var layout = OciLayout.openOrCreate(dir.resolve("img"));
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        layout.writeBlob(config);
        var image = new ImageManifest(MediaTypes.OCI_MANIFEST, null,
                Descriptor.of(MediaTypes.OCI_CONFIG, config), List.of(),
                null, null, null).toRaw();
        layout.writeManifest(image);
        layout.tag("app", image.descriptor());
        String ref = "oci:" + dir.resolve("img") + ":app";
        assertThat(run("attach", ref, "--artifact-type", "application/vnd.cyclonedx+json",
                dir.resolve("sbom.json") + ":application/vnd.cyclonedx+json").code()).isZero();
        Files.writeString(dir.resolve("vex.json"), """
                {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.org/vex/attested",
                 "author": "Example", "timestamp": "2026-11-20T00:00:00Z", "version": 1,
                 "statements": [{"vulnerability": {"name": "CVE-2024-0400"},
                   "products": [{"@id": "pkg:oci/base", "subcomponents": [{"@id": "pkg:deb/debian/zlib1g"}]}],
                   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
                """);
        Map<String, String> env = Map.of("TRUSTPLANE_CACHE", dir.resolve("cache").toString(), "TRUSTPLANE_PASSWORD",
                "vex");
        assertThat(CliRun.run(env, "", "keygen", "--output-key-prefix", dir.resolve("vendor").toString()).code())
                .isZero();
        assertThat(CliRun.run(env, "", "keygen", "--output-key-prefix", dir.resolve("other").toString()).code())
                .isZero();
        CliRun attested = CliRun.run(env, "", "attest", ref, "--key", dir.resolve("vendor.key").toString(), "--type",
                "openvex", "--predicate", dir.resolve("vex.json").toString());
        assertThat(attested.code()).as(attested.err()).isZero();

        CliRun trusted = run("scan", ref, "--vex-key", dir.resolve("vendor.pub").toString(),
                "--vex-insecure-ignore-tlog");
        CliRun untrusted = run("scan", ref, "--vex-key", dir.resolve("other.pub").toString(),
                "--vex-insecure-ignore-tlog");
        CliRun unlogged = run("scan", ref, "--vex-key", dir.resolve("vendor.pub").toString());

        assertThat(trusted.code()).as(trusted.err()).isZero();
        assertThat(trusted.out()).contains("1 findings: HIGH 1").contains("CVE-2024-0400 zlib1g: not_affected"
                + " (vulnerable_code_not_in_execute_path) — https://example.org/vex/attested");
        assertThat(untrusted.out()).contains("2 findings").doesNotContain("Suppressed by VEX");
        assertThat(untrusted.err()).contains("2 OpenVEX attestation(s) of " + ref + " did not verify");
        assertThat(unlogged.out()).contains("2 findings");
    }

    @Test
    void shouldAddOsvAdvisoriesForLanguagePackages() throws Exception {
        Files.writeString(dir.resolve("osv.json"), """
                {"id": "GHSA-lodash-0001", "aliases": ["CVE-2021-23337"], "summary": "Command injection.",
                 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                 "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]}
                """);
        Files.writeString(dir.resolve("app.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
                  {"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"}]}
                """);
        CliRun imported = run("db", "import", "--osv", dir.resolve("osv.json").toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("Imported 1 OSV advisories (npm)");
        assertThat(run("db", "status").out()).contains("Feed:      osv (").contains("Ecosystems: npm");
        CliRun scan = run("scan", dir.resolve("app.json").toString(), "--fail-on", "critical");
        assertThat(scan.code()).isEqualTo(11);
        assertThat(scan.out()).containsPattern("CRITICAL +CVE-2021-23337 +lodash +4\\.17\\.20 +4\\.17\\.21 +fixed in a"
                + " newer version");
    }

    @Test
    void shouldNameAMissingSbomFile() {
        run("db", "import", dir.resolve("tracker.json").toString());
        CliRun r = run("scan", dir.resolve("missing.json").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("trustplane: error: SBOM file " + dir.resolve("missing.json") + " does not exist;"
                + " give an SBOM file or an image (oci:DIR[:TAG], REGISTRY/REPO:TAG)\n");
    }

    @Test
    void shouldRejectAnUnknownFailCondition() {
        run("db", "import", dir.resolve("tracker.json").toString());
        CliRun r = run("scan", dir.resolve("sbom.json").toString(), "--fail-on", "severe");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("trustplane: error: --fail-on: unknown condition severe; use a severity"
                + " (negligible, low, medium, high, critical), kev, or epss>=P\n");
    }

    @Test
    void shouldImportNvdKevAndEpssAndFailOnThem() throws Exception {
        run("db", "import", dir.resolve("tracker.json").toString(), "--taken-at", Instant.now().toString());
        // CVE-2024-0400 has Debian urgency low; give CVE-2024-0001 no urgency to see NVD's score used
        Files.writeString(dir.resolve("tracker.json"), TRACKER.replace("\"urgency\": \"high\"",
                "\"urgency\": \"not yet assigned\""));
        run("db", "import", dir.resolve("tracker.json").toString(), "--taken-at", Instant.now().toString());
        Files.writeString(dir.resolve("nvd.json"), "{\"format\": \"NVD_CVE\", \"version\": \"2.0\","
                + " \"vulnerabilities\": [{\"cve\": {\"id\": \"CVE-2024-0001\", \"metrics\": {\"cvssMetricV31\": [{"
                + "\"source\": \"nvd@nist.gov\", \"type\": \"Primary\", \"cvssData\": {\"version\": \"3.1\","
                + " \"vectorString\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\", \"baseScore\": 9.8}}]}}}]}");
        Files.writeString(dir.resolve("kev.json"), "{\"vulnerabilities\": [{\"cveID\": \"CVE-2024-0400\","
                + " \"dateAdded\": \"2024-05-01\", \"knownRansomwareCampaignUse\": \"Unknown\"}]}");
        Files.writeString(dir.resolve("epss.csv"), "cve,epss,percentile\nCVE-2024-0001,0.42,0.97\n");
        CliRun nvd = run("db", "import", "--nvd", dir.resolve("nvd.json").toString(), "--taken-at",
                Instant.now().toString());
        assertThat(nvd.out()).as(nvd.err()).startsWith("Imported 1 NVD records (" + dir.resolve("nvd.json"));
        assertThat(run("db", "import", "--kev", dir.resolve("kev.json").toString(), "--taken-at",
                Instant.now().toString()).code()).isZero();
        assertThat(run("db", "import", "--epss", dir.resolve("epss.csv").toString(), "--taken-at",
                Instant.now().toString()).code()).isZero();
        assertThat(run("db", "status").out()).contains("NVD:       1 CVEs from", "KEV:       1 CVEs from",
                "EPSS:      1 CVEs from");

        CliRun scan = run("scan", dir.resolve("sbom.json").toString());
        assertThat(scan.out()).containsPattern("CRITICAL +CVE-2024-0001 .*\\[severity: NVD CVSS 9\\.8\\] \\[EPSS"
                + " 0\\.420\\]").containsPattern("LOW +CVE-2024-0400 .*\\[KEV since 2024-05-01\\]");
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--fail-on", "kev").code()).isEqualTo(11);
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--fail-on", "epss>=0.5").code()).isZero();
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--fail-on", "epss>=0.4").code()).isEqualTo(11);
        assertThat(run("scan", dir.resolve("sbom.json").toString(), "--format", "json").out()).contains(
                "\"severitySource\" : \"nvd\"", "\"kev\" : {", "\"epss\" : {");
        CliRun wrong = run("db", "import", "--kev", dir.resolve("epss.csv").toString());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).startsWith("trustplane: error: KEV catalog " + dir.resolve("epss.csv")
                + " is not valid JSON");
    }

    @Test
    void shouldRefuseAnInvalidSbomUnlessToldNotToValidate() throws Exception {
        run("db", "import", dir.resolve("tracker.json").toString(), "--taken-at", Instant.now().toString());
        Files.writeString(dir.resolve("bad.json"), SBOM.replace("\"type\": \"library\"", "\"type\": \"lib\""));
        CliRun bad = run("scan", dir.resolve("bad.json").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("trustplane: error: SBOM " + dir.resolve("bad.json") + " does not follow its"
                + " schema (2 problems):\n  $.components[0].type: ").contains("  $.components[1].type: ");
        assertThat(run("scan", dir.resolve("bad.json").toString(), "--no-validate").code()).isZero();
    }
}
