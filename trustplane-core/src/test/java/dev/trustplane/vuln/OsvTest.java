package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OSV advisories: import, Debian/SemVer/explicit-version matching, CVSS, merging with the tracker. */
class OsvTest {
    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

    @TempDir
    Path dir;

    private VulnDb tracker;
    private OsvDb osv;

    @BeforeEach
    void importFixtures() throws IOException, URISyntaxException {
        try (InputStream in = OsvTest.class.getResourceAsStream("/vuln/tracker-semantics.json")) {
            VulnDb.importTracker(dir, in, "tracker.json", NOW, NOW);
        }
        Path osvDir = Path.of(OsvTest.class.getResource("/vuln/osv").toURI());
        OsvDb.Info info = OsvDb.importFrom(dir, osvDir, NOW, NOW);
        assertThat(info.advisories()).isEqualTo(6);
        assertThat(info.ecosystems()).containsExactly("Debian:12", "Go", "Maven", "PyPI", "npm");
        assertThat(info.newestRecord()).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        tracker = VulnDb.open(dir);
        osv = OsvDb.open(dir);
    }

    private ScanReport scan(List<ScannedPackage> packages) {
        return new Scanner(tracker, osv).scan("x", new SbomReader.Result("test", packages),
                new Scanner.Options(false, false, Duration.ofDays(7)), NOW);
    }

    @Test
    void shouldMatchLanguagePackagesBySemverAndExplicitVersionsWithCvssSeverity() {
        ScanReport report = scan(List.of(
                new ScannedPackage("npm", "lodash", "4.17.20", null, null, null, null),
                new ScannedPackage("npm", "lodash", "4.17.21", null, null, null, null),
                new ScannedPackage("golang", "golang.org/x/net", "v0.22.0", null, null, null, null),
                new ScannedPackage("maven", "com.fasterxml.jackson.core:jackson-databind", "2.15.0", null, null, null,
                        null),
                new ScannedPackage("pypi", "requests", "2.31.0", null, null, null, null),
                new ScannedPackage("maven", "com.fasterxml.jackson.core:jackson-databind", "2.15.3", null, null, null,
                        null)));
        assertThat(report.findings()).extracting(f -> f.severity() + " " + f.vulnerability() + " " + f.pkg().name()
                + "@" + f.pkg().version() + " " + f.verdict() + " " + f.fixedVersion()).containsExactly(
                "CRITICAL CVE-2021-23337 lodash@4.17.20 FIXED_IN_NEWER 4.17.21",
                "MEDIUM CVE-2023-35116 com.fasterxml.jackson.core:jackson-databind@2.15.0 FIXED_IN_NEWER 2.16.0",
                "MEDIUM CVE-2023-35116 com.fasterxml.jackson.core:jackson-databind@2.15.3 FIXED_IN_NEWER 2.16.0",
                "UNKNOWN CVE-2023-45288 golang.org/x/net@v0.22.0 FIXED_IN_NEWER 0.23.0",
                "UNKNOWN PYSEC-2024-0001 requests@2.31.0 FIXED_IN_NEWER 2.32.0");
        assertThat(report.findings().get(0).record()).isEqualTo("osv:GHSA-lodash-0001");
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void shouldKeepTheTrackersVerdictAndTakeOsvSeverityWhereDebianHasNone() {
        ScanReport report = scan(List.of(
                new ScannedPackage("libssl3", "3.0.11-1~deb12u2", "amd64", "openssl", null, "bookworm"),
                new ScannedPackage("libc6", "2.36-9+deb12u3", "amd64", "glibc", null, "bookworm")));
        assertThat(report.findings()).filteredOn(f -> f.vulnerability().equals("CVE-2024-0005")).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.HIGH);
                    assertThat(f.verdict()).isEqualTo(Verdict.AFFECTED_NO_FIX);
                    assertThat(f.record()).isEqualTo("debian-tracker:openssl/CVE-2024-0005/bookworm");
                    assertThat(f.reason()).endsWith("; severity from osv:DEBIAN-CVE-2024-0005");
                });
        assertThat(report.findings()).filteredOn(f -> f.vulnerability().equals("CVE-2024-0500")).singleElement()
                .satisfies(f -> {
                    assertThat(f.verdict()).isEqualTo(Verdict.FIXED_IN_NEWER);
                    assertThat(f.fixedVersion()).isEqualTo("2.36-9+deb12u7");
                    assertThat(f.pkg().name()).isEqualTo("libc6");
                });
    }

    @Test
    void shouldOrderSemverWithPrereleasesAndAVPrefix() {
        assertThat(Semver.ORDER.compare("v1.2.3", "1.2.3")).isZero();
        assertThat(Semver.ORDER.compare("1.0.0-alpha", "1.0.0")).isNegative();
        assertThat(Semver.ORDER.compare("1.0.0-alpha.10", "1.0.0-alpha.9")).isPositive();
        assertThat(Semver.ORDER.compare("1.0.0-alpha.beta", "1.0.0-alpha.1")).isPositive();
        assertThat(Semver.ORDER.compare("0.23.0", "0.9.9")).isPositive();
    }

    @Test
    void shouldNameTheDocumentAdvisoryAndFieldOfABadRecordAndKeepThePreviousDatabase() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"id\": \"GHSA-x\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\":"
                + " \"a\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"broken\": \"1\"}]}]}]}");
        assertThatThrownBy(() -> OsvDb.importFrom(dir, bad, NOW, NOW))
                .hasMessage("OSV source " + bad + " holds no advisories of OSV's shape (1 skipped, e.g. OSV document "
                        + bad + ", advisory GHSA-x, field affected[0].ranges.events: 'broken' is not introduced, fixed,"
                        + " last_affected or limit); nothing was imported and the previous database is unchanged");
        assertThat(OsvDb.open(dir).info().advisories()).isEqualTo(6);
        // beside good advisories, the odd one is skipped and counted, not fatal
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.copy(bad, mixed.resolve("bad.json"));
        Files.writeString(mixed.resolve("cut.json"), "[{\"id\": ");
        Files.copy(Path.of(getClass().getResource("/vuln/real/osv/DSA-3029-1.json").getPath()),
                mixed.resolve("DSA-3029-1.json"));
        OsvDb.Info info = OsvDb.importFrom(dir, mixed, NOW, NOW);
        assertThat(info.advisories()).isEqualTo(1);
        assertThat(info.skipped()).isEqualTo(2);
        assertThat(OsvDb.open(dir).info().skippedExamples()).hasSize(2).anySatisfy(x -> assertThat(x)
                .startsWith("OSV document " + mixed.resolve("cut.json") + " is not valid JSON"));
        assertThatThrownBy(() -> OsvFeed.read(new ByteArrayInputStream("[1".getBytes(StandardCharsets.UTF_8)),
                "cut.json")).hasMessageStartingWith("OSV document cut.json is not valid JSON:");
    }
}
