package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NVD, KEV and EPSS on real feed material (resources/vuln/real, see its README): NVD 2.0 records and
 * the tracker records of the same CVEs from google/osv.dev's test data, CISA's whole KEV catalog,
 * the first rows of a real EPSS file.
 */
class IntelDbTest {
    private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

    @TempDir
    Path dir;

    static Path real(String name) throws URISyntaxException {
        return Path.of(IntelDbTest.class.getResource("/vuln/real/" + name).toURI());
    }

    private IntelDb.FeedInfo importFeed(IntelDb.Feed feed, String name) throws URISyntaxException {
        return IntelImport.run(dir, feed, real(name).toString(), null);
    }

    @Test
    void shouldTakeNvdsPrimaryScoreInTheOrderV31V30V40V2() throws Exception {
        IntelDb.FeedInfo info = importFeed(IntelDb.Feed.NVD, "nvd");
        assertThat(info.records()).isEqualTo(6);
        assertThat(info.skipped()).isZero();
        assertThat(info.takenAt()).isBefore(Instant.parse("2026-12-01T00:00:00Z"));
        IntelDb db = IntelDb.open(dir);
        Map<String, String> scores = List.of("CVE-2014-1424", "CVE-2016-1585", "CVE-2017-6507", "CVE-2018-1000500",
                "CVE-2023-4863", "CVE-2024-3094").stream().collect(Collectors.toMap(c -> c, c -> {
                    CveIntel i = db.get(c).orElseThrow();
                    return i.cvssScore() + " " + i.cvssVersion() + " " + i.cvssSource() + " " + i.cvssSeverity();
                }));
        assertThat(scores).containsExactlyInAnyOrderEntriesOf(Map.of(
                "CVE-2014-1424", "6.4 2.0 nvd@nist.gov MEDIUM",
                "CVE-2016-1585", "9.8 3.1 nvd@nist.gov CRITICAL",
                "CVE-2017-6507", "5.9 3.0 nvd@nist.gov MEDIUM",
                "CVE-2018-1000500", "8.1 3.1 nvd@nist.gov HIGH",
                "CVE-2023-4863", "8.8 3.1 nvd@nist.gov HIGH",
                "CVE-2024-3094", "10.0 3.1 nvd@nist.gov CRITICAL"));
        assertThat(db.get("CVE-2016-1585").orElseThrow().cvssVector())
                .isEqualTo("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    }

    @Test
    void shouldImportTheWholeKevCatalogAndKeepTheOtherFeedsWhenOneIsReplaced() throws Exception {
        importFeed(IntelDb.Feed.NVD, "nvd");
        IntelDb.FeedInfo kev = importFeed(IntelDb.Feed.KEV, "known_exploited_vulnerabilities.json.gz");
        assertThat(kev.records()).isEqualTo(1404);
        assertThat(kev.takenAt()).isEqualTo(Instant.parse("2025-08-25T17:04:19.9796Z"));
        IntelDb db = IntelDb.open(dir);
        CveIntel webp = db.get("CVE-2023-4863").orElseThrow();
        assertThat(webp.kev()).isTrue();
        assertThat(webp.kevDateAdded()).isEqualTo("2023-09-13");
        assertThat(webp.cvssScore()).isEqualTo(8.8);
        assertThat(db.get("CVE-2021-44228").orElseThrow().kevRansomware()).isEqualTo("Known");
        assertThat(db.get("CVE-2024-3094").orElseThrow().kev()).isFalse();
        // NVD again: KEV stays
        importFeed(IntelDb.Feed.NVD, "nvd");
        assertThat(IntelDb.open(dir).get("CVE-2023-4863").orElseThrow().kev()).isTrue();
        assertThat(IntelDb.open(dir).feeds()).containsOnlyKeys(IntelDb.Feed.NVD, IntelDb.Feed.KEV);
    }

    @Test
    void shouldReadEpssWithAndWithoutItsModelLine() throws Exception {
        IntelDb.FeedInfo info = importFeed(IntelDb.Feed.EPSS, "epss-slice.csv");
        assertThat(info.records()).isEqualTo(24);
        CveIntel top = IntelDb.open(dir).get("CVE-1999-0016").orElseThrow();
        assertThat(top.epss()).isEqualTo(0.95739);
        assertThat(top.epssPercentile()).isEqualTo(0.99864);
        byte[] withModel = ("#model_version:v2025.03.14,score_date:2026-08-18T00:00:00+0000\n"
                + Files.readString(real("epss-slice.csv")) + "CVE-1999-0026,not-a-number,0.5\n")
                .getBytes(StandardCharsets.UTF_8);
        IntelDb.FeedInfo again = IntelDb.importFeed(dir, IntelDb.Feed.EPSS, List.of(new IntelDb.Source(
                new ByteArrayInputStream(withModel), "epss.csv", null)), NOW);
        assertThat(again.takenAt()).isEqualTo(Instant.parse("2026-08-18T00:00:00Z"));
        assertThat(again.skipped()).isEqualTo(1);
        assertThat(again.skippedExamples()).containsExactly(
                "epss.csv: CVE-1999-0026: line 27: 'not-a-number,0.5' are not numbers");
    }

    @Test
    void shouldRefuseAFileThatIsNotTheFeedAndKeepThePreviousDatabase() throws Exception {
        importFeed(IntelDb.Feed.EPSS, "epss-slice.csv");
        assertThatThrownBy(() -> importFeed(IntelDb.Feed.EPSS, "nvd/CVE-2024-3094.json"))
                .hasMessageEndingWith("is not a FIRST EPSS CSV file: its header is not 'cve,epss,percentile'; nothing"
                        + " was imported and the previous database is unchanged");
        assertThatThrownBy(() -> importFeed(IntelDb.Feed.NVD, "epss-slice.csv"))
                .hasMessageStartingWith("NVD feed ").hasMessageContaining("is not valid JSON");
        assertThatThrownBy(() -> importFeed(IntelDb.Feed.KEV, "nvd/CVE-2024-3094.json"))
                .hasMessageContaining("holds no usable record (1 skipped, e.g. ")
                .hasMessageContaining("vulnerabilities[0]: cveID '' is not a CVE id");
        assertThat(IntelDb.open(dir).feeds()).containsOnlyKeys(IntelDb.Feed.EPSS);
        assertThat(IntelDb.open(dir).size()).isEqualTo(24);
    }

    @Test
    void shouldFallBackToNvdWhereDebianAssignedNoUrgencyAndFailOnKevAndEpss() throws Exception {
        try (InputStream in = Files.newInputStream(real("tracker-osv-slice.json"))) {
            VulnDb.importTracker(dir, in, "tracker-osv-slice.json", NOW, NOW);
        }
        importFeed(IntelDb.Feed.NVD, "nvd");
        importFeed(IntelDb.Feed.KEV, "known_exploited_vulnerabilities.json.gz");
        String sbom = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"version\": 1, \"components\": ["
                + "{\"type\": \"library\", \"name\": \"apparmor\", \"version\": \"2.11.0-2\", \"purl\":"
                + " \"pkg:deb/debian/apparmor@2.11.0-2?arch=amd64&distro=debian-12\"}]}";
        ScanReport report = new Scanner(VulnDb.open(dir)).withIntel(IntelDb.open(dir)).scan("x",
                SbomReader.read(sbom.getBytes(StandardCharsets.UTF_8), "sbom.json", null),
                new Scanner.Options(false, true, Duration.ofDays(36_500)), NOW);
        Map<String, String> bySeverity = report.findings().stream().collect(Collectors.toMap(Finding::vulnerability,
                f -> f.severity() + " from " + f.severitySource()));
        // CVE-2017-6507: Debian assigned no urgency -> NVD's 5.9; the unimportant ones keep Debian's rating
        assertThat(bySeverity).containsExactlyInAnyOrderEntriesOf(Map.of(
                "CVE-2017-6507", "MEDIUM from nvd",
                "CVE-2016-1585", "NEGLIGIBLE from debian"));
        assertThat(report.sources()).extracting(ScanReport.Source::feed).containsExactly("debian-tracker", "nvd",
                "kev");
        assertThat(FailOn.parse("medium").failing(report)).extracting(Finding::vulnerability)
                .containsExactly("CVE-2017-6507");
        assertThat(FailOn.parse("kev").failing(report)).isEmpty();
        // the KEV join, on a finding for a catalogued CVE
        ScannedPackage webp = new ScannedPackage("deb", "libwebp7", "1.2.4-0.2", "amd64", "libwebp", "1.2.4-0.2",
                "bookworm");
        Finding f = new Finding(webp, "CVE-2023-4863", Verdict.FIXED_IN_NEWER, Severity.UNKNOWN, "1.2.4-0.2+deb12u1",
                "r", "rec", "", null).withIntel(IntelDb.open(dir).get("CVE-2023-4863").orElseThrow(), Severity.HIGH,
                "nvd");
        ScanReport withWebp = new ScanReport("x", "t", 1, List.of(f), 0, List.of(), List.of(), List.of(),
                ScanReport.Unseen.NONE);
        assertThat(FailOn.parse("critical,kev").failing(withWebp)).containsExactly(f);
        assertThat(FailOn.parse("epss>=0.5").failing(withWebp)).isEmpty();
        assertThatThrownBy(() -> FailOn.parse("high,exploited")).hasMessage("--fail-on: unknown condition exploited;"
                + " use a severity (negligible, low, medium, high, critical), kev, or epss>=P");
        assertThatThrownBy(() -> FailOn.parse("epss>=5")).hasMessage("--fail-on epss>=5: the EPSS threshold must be a"
                + " probability from 0 to 1, e.g. epss>=0.1");
    }

    @Test
    void shouldKeyCveIdsInOrderAndBackWithoutLosingLeadingZeros() {
        for (String id : List.of("CVE-1999-0001", "CVE-2024-3094", "CVE-2021-44228", "CVE-2018-1000500",
                "CVE-2024-00001")) {
            assertThat(IntelDb.cve(IntelDb.key(id))).isEqualTo(id);
        }
        assertThat(IntelDb.key("CVE-2024-00001")).isNotEqualTo(IntelDb.key("CVE-2024-0001"));
        assertThat(IntelDb.key("CVE-2023-99999")).isLessThan(IntelDb.key("CVE-2024-0001"));
        assertThat(IntelDb.key("GHSA-xxxx")).isNegative();
        assertThat(IntelDb.key("CVE-2024-1234567890")).isNegative();
    }
}
