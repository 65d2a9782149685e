package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.sbom.SbomReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian advisories in OSV (real records from google/osv.dev's test data, resources/vuln/real/osv):
 * a DSA matches by its CVE and carries its id as alias; a DLA's {@code upstream} CVEs are read; when
 * the tracker has a record for the same package and CVE its verdict wins, "not affected" included.
 */
class OsvDebianAdvisoryTest {
    private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

    @TempDir
    Path dir;

    private static byte[] sbom(String name, String version, String distro) {
        return ("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [{\"type\": \"library\","
                + " \"name\": \"" + name + "\", \"version\": \"" + version + "\", \"purl\": \"pkg:deb/debian/" + name
                + "@" + version + "?arch=amd64&distro=" + distro + "\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private OsvDb importReal() throws Exception {
        OsvDb.importFrom(dir, Path.of(getClass().getResource("/vuln/real/osv").toURI()), NOW, NOW);
        return OsvDb.open(dir);
    }

    @Test
    void shouldReadTheUpstreamCvesOfADla() throws Exception {
        OsvRecord dla = OsvFeed.read(getClass().getResourceAsStream("/vuln/real/osv/DLA-3623-1.json"), "DLA")
                .get(0);
        assertThat(dla.cves()).hasSize(44).startsWith("CVE-2022-39189", "CVE-2022-4269").endsWith("CVE-2023-4921");
        assertThat(dla.advisories()).containsExactly("DLA-3623-1");
    }

    @Test
    void shouldMatchADsaOfWheezyByItsCveWithTheAdvisoryAsAlias() throws Exception {
        OsvDb osv = importReal();
        ScanReport report = new Scanner(null, osv).scan("x", SbomReader.read(sbom("nginx", "1.2.1-2.2+wheezy2",
                "debian-7.11"), "sbom.json", null), new Scanner.Options(false, false, Duration.ofDays(36_500)), NOW);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.vulnerability()).isEqualTo("CVE-2014-3616");
            assertThat(f.aliases()).containsExactly("DSA-3029-1");
            assertThat(f.fixedVersion()).isEqualTo("1.2.1-2.2+wheezy3");
            assertThat(f.pkg().release()).isEqualTo("wheezy");
        });
        assertThat(new String(ScanReportJson.write(report), StandardCharsets.UTF_8))
                .contains("\"aliases\" : [ \"DSA-3029-1\" ]");
        assertThat(new String(ScanReportFormats.vdr(report, "test", NOW), StandardCharsets.UTF_8))
                .contains("\"id\" : \"DSA-3029-1\"");
    }

    @Test
    void shouldLetTheTrackersVerdictWinOverTheAdvisoryAndKeepItsId() throws Exception {
        OsvDb osv = importReal();
        // Hand-made tracker record (the real export has none for wheezy any more): Debian says this
        // nginx build was never affected. The DSA must not resurrect the finding.
        String tracker = "{\"nginx\": {\"CVE-2014-3616\": {\"releases\": {\"wheezy\": {\"status\": \"resolved\","
                + " \"fixed_version\": \"0\", \"urgency\": \"medium\"}}}}}";
        VulnDb.importTracker(dir, new ByteArrayInputStream(tracker.getBytes(StandardCharsets.UTF_8)), "t.json", NOW,
                NOW);
        ScanReport report = new Scanner(VulnDb.open(dir), osv).scan("x", SbomReader.read(sbom("nginx",
                "1.2.1-2.2+wheezy2", "debian-7"), "sbom.json", null), new Scanner.Options(false, false,
                Duration.ofDays(36_500)), NOW);
        assertThat(report.findings()).isEmpty();
        assertThat(report.notAffected()).isEqualTo(1);

        // and when the tracker says affected, the finding is the tracker's, with the DSA as alias
        String open = tracker.replace("\"resolved\", \"fixed_version\": \"0\"", "\"resolved\", \"fixed_version\":"
                + " \"1.2.1-2.2+wheezy3\"");
        VulnDb.importTracker(dir, new ByteArrayInputStream(open.getBytes(StandardCharsets.UTF_8)), "t.json", NOW,
                NOW);
        ScanReport again = new Scanner(VulnDb.open(dir), osv).scan("x", SbomReader.read(sbom("nginx",
                "1.2.1-2.2+wheezy2", "debian-7"), "sbom.json", null), new Scanner.Options(false, false,
                Duration.ofDays(36_500)), NOW);
        assertThat(again.findings()).singleElement().satisfies(f -> {
            assertThat(f.record()).isEqualTo("debian-tracker:nginx/CVE-2014-3616/wheezy");
            assertThat(f.aliases()).isEqualTo(List.of("DSA-3029-1"));
        });
    }
}
