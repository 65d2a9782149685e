package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.debian.DebianReleases;
import dev.trustplane.sbom.SbomReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slice of the real Debian security tracker export (resources/vuln/real/tracker-vunnel-slice.json,
 * as anchore/vunnel snapshots it; see the README there): it imports although one record has
 * {@code "releases": []}, and packages named by every release spelling trivy and syft write for
 * Debian 8 to 13 and sid match with the tracker's verdicts.
 */
class TrackerRealDataTest {
    private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

    @TempDir
    Path dir;

    private VulnDb.FeedInfo info;

    @BeforeEach
    void importSlice() throws IOException {
        try (InputStream in = TrackerRealDataTest.class.getResourceAsStream("/vuln/real/tracker-vunnel-slice.json")) {
            info = VulnDb.importTracker(dir, in, "tracker-vunnel-slice.json", NOW, NOW);
        }
    }

    @Test
    void shouldImportARealExportWithAnOddRecordSkippedAndCounted() {
        assertThat(info.records()).isEqualTo(25);
        assertThat(info.cves()).isEqualTo(6);
        assertThat(info.releases()).containsExactly("bookworm", "bullseye", "buster", "jessie", "sid", "stretch",
                "trixie");
        assertThat(info.skipped()).isEqualTo(1);
        assertThat(info.skippedExamples()).containsExactly(
                "chromium-browser/CVE-2022-0358 (releases): is an array, not an object keyed by release");
        VulnDb reopened = VulnDb.open(dir);
        assertThat(reopened.info().skipped()).isEqualTo(1);
        assertThat(reopened.info().skippedExamples()).isEqualTo(info.skippedExamples());
    }

    private static byte[] cyclonedx(String... components) {
        return ("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"version\": 1, \"components\": ["
                + String.join(",", components) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static String deb(String name, String version, String distro) {
        return "{\"type\": \"library\", \"name\": \"" + name + "\", \"version\": \"" + version + "\", \"purl\":"
                + " \"pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=" + distro + "\"}";
    }

    private ScanReport scan(byte[] sbom) {
        return new Scanner(VulnDb.open(dir)).scan("slice", SbomReader.read(sbom, "sbom.json", null),
                new Scanner.Options(false, true, Duration.ofDays(7)), NOW);
    }

    @Test
    void shouldMatchEveryReleaseSpellingWithTheTrackersVerdicts() {
        ScanReport report = scan(cyclonedx(
                deb("chromium", "89.0.4389.114-1~deb10u1", "debian-10"),
                deb("chromium", "90.0.4430.212-1", "debian-11.2"),
                deb("txt2man", "1.5.5-4", "debian-8.11"),
                deb("backupninja", "0.8-1", "stretch"),
                deb("prototypejs", "1.5.0-1", "debian-9.13"),
                deb("chromium", "97.0.4692.99-1", "sid"),
                deb("sope", "5.12.0-1", "debian-13")));
        Map<String, String> verdicts = report.findings().stream().collect(Collectors.toMap(
                f -> f.pkg().name() + "@" + f.pkg().release() + " " + f.vulnerability(),
                f -> f.verdict() + (f.fixedVersion() == null ? "" : " " + f.fixedVersion())));
        assertThat(verdicts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "chromium@buster CVE-2022-0456", "WONT_FIX",
                "chromium@bullseye CVE-2022-0456", "FIXED_IN_NEWER 98.0.4758.80-1~deb11u1",
                "txt2man@jessie CVE-2013-1444", "FIXED_IN_NEWER 1.5.5-4.1",
                "backupninja@stretch CVE-2005-3111", "FIXED_IN_NEWER 0.8-2",
                "prototypejs@stretch CVE-2008-7220", "FIXED_IN_NEWER 1.6.0.2-1",
                "chromium@sid CVE-2022-0456", "FIXED_IN_NEWER 98.0.4758.80-1",
                "sope@trixie CVE-2025-53603", "FIXED_IN_NEWER 5.12.1-2"));
        // CVE-2007-2383 has fixed_version 0 in stretch: never affected
        assertThat(report.notAffected()).isEqualTo(1);
        assertThat(report.unseen()).isEqualTo(new ScanReport.Unseen(0, 0, 0, 0, 1));
        assertThat(report.warnings()).contains("the tracker database left out 1 record(s) of an unexpected shape at"
                + " import (`trustplane db status`); findings they would give are missing");
    }

    @Test
    void shouldCountWhatItDoesNotShowAndNameTheReleasesTheDatabaseHolds() {
        ScanReport report = new Scanner(VulnDb.open(dir)).scan("slice", SbomReader.read(cyclonedx(
                deb("prototypejs", "1.5.0-1", "debian-9"),
                deb("prototypejs", "not a version!", "debian-9"),
                deb("chromium", "89.0.4389.114-1~deb10u1", "debian-10"),
                deb("txt2man", "1.5.5-4", "debian-7"),
                deb("txt2man", "1.5.5-4", "debian-6.0.10")), "sbom.json", null),
                new Scanner.Options(true, false, Duration.ofDays(7)), NOW);
        assertThat(report.findings()).extracting(Finding::vulnerability).containsExactly("CVE-2008-7220");
        // buster's chromium finding has no fix (hidden by --ignore-unfixed); wheezy and 6.0 are not in the slice
        assertThat(report.unseen()).isEqualTo(new ScanReport.Unseen(1, 0, 1, 2, 1));
        assertThat(report.warnings()).contains(
                "1 package(s) have a version that is not a Debian version and were not matched: prototypejs not a"
                        + " version!",
                "the tracker database has no records for wheezy, 6.0.10 (it holds bookworm, bullseye, buster, jessie,"
                        + " sid, stretch, trixie); 2 package(s) of that release were not matched against it");
    }

    @Test
    void shouldMapTheOsvEcosystemOfEveryRelease() {
        assertThat(DebianReleases.codename("Debian:9")).contains("stretch");
        assertThat(DebianReleases.codename("debian-9.13")).contains("stretch");
        assertThat(DebianReleases.codename("unstable")).contains("sid");
        assertThat(DebianReleases.codename("6.0")).isEmpty();
        assertThat(List.of("wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky").stream()
                .map(r -> DebianReleases.osvEcosystem(r).orElseThrow()))
                .containsExactly("Debian:7", "Debian:8", "Debian:9", "Debian:10", "Debian:11", "Debian:12", "Debian:13",
                        "Debian:14");
    }
}
