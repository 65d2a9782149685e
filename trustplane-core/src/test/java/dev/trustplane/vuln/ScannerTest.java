package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian semantics, one fixture record per case (resources/vuln/tracker-semantics.json). */
class ScannerTest {
    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

    @TempDir
    Path dir;

    private VulnDb db;

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ScannerTest.class.getResourceAsStream("/vuln/" + name)) {
            return in.readAllBytes();
        }
    }

    @BeforeEach
    void importFixture() throws IOException {
        VulnDb.importTracker(dir, new ByteArrayInputStream(resource("tracker-semantics.json")), "tracker.json",
                NOW.minus(Duration.ofHours(2)), NOW);
        db = VulnDb.open(dir);
    }

    private Map<String, Finding> verdicts(ScannedPackage p) {
        return new Matcher(db).match(List.of(p)).stream().collect(Collectors.toMap(Finding::vulnerability, f -> f));
    }

    @Test
    void shouldApplyDebianSemanticsPerRecord() {
        Map<String, Finding> v = verdicts(new ScannedPackage("libssl3", "3.0.11-1~deb12u2", "amd64", "openssl", null,
                "bookworm"));
        assertThat(v.get("CVE-2024-0001").verdict()).isEqualTo(Verdict.FIXED_IN_NEWER);
        assertThat(v.get("CVE-2024-0001").fixedVersion()).isEqualTo("3.0.15-1~deb12u1");
        assertThat(v.get("CVE-2024-0001").severity()).isEqualTo(Severity.MEDIUM);
        assertThat(v.get("CVE-2024-0001").record()).isEqualTo("debian-tracker:openssl/CVE-2024-0001/bookworm");
        assertThat(v.get("CVE-2024-0002").verdict()).isEqualTo(Verdict.NOT_AFFECTED);
        assertThat(v.get("CVE-2024-0002").reason()).isEqualTo("bookworm was never affected");
        assertThat(v.get("CVE-2024-0003").verdict()).isEqualTo(Verdict.UNIMPORTANT);
        assertThat(v.get("CVE-2024-0003").severity()).isEqualTo(Severity.NEGLIGIBLE);
        assertThat(v.get("CVE-2024-0004").verdict()).isEqualTo(Verdict.WONT_FIX);
        assertThat(v.get("CVE-2024-0004").reason()).isEqualTo("no DSA (postponed)");
        assertThat(v.get("CVE-2024-0005").verdict()).isEqualTo(Verdict.AFFECTED_NO_FIX);
        assertThat(v.get("CVE-2024-0005").severity()).isEqualTo(Severity.UNKNOWN);
        assertThat(v.get("CVE-2024-0006").verdict()).isEqualTo(Verdict.AFFECTED_NO_FIX);
        assertThat(v.get("CVE-2024-0006").severity()).isEqualTo(Severity.HIGH);
        assertThat(v.get("CVE-2024-0007").verdict()).isEqualTo(Verdict.NOT_AFFECTED);
    }

    @Test
    void shouldUseTheReleaseOfThePackage() {
        Map<String, Finding> trixie = verdicts(new ScannedPackage("libssl3t64", "3.3.2-1", "amd64", "openssl", null,
                "trixie"));
        assertThat(trixie.get("CVE-2024-0006").verdict()).isEqualTo(Verdict.NOT_AFFECTED);
        assertThat(trixie).doesNotContainKey("CVE-2024-0003");
    }

    @Test
    void shouldCompareSecurityVersionsEpochsAndTildesLikeDpkg() {
        assertThat(verdicts(new ScannedPackage("libc6", "2.36-9+deb12u3", "amd64", "glibc", null, "bookworm"))
                .get("CVE-2024-0100").verdict()).isEqualTo(Verdict.FIXED_IN_NEWER);
        assertThat(verdicts(new ScannedPackage("libc6", "2.36-9+deb12u10", "amd64", "glibc", null, "bookworm"))
                .get("CVE-2024-0100").verdict()).isEqualTo(Verdict.NOT_AFFECTED);
        assertThat(verdicts(new ScannedPackage("apt", "1:2.0~rc1-1", "amd64", "apt", null, "bookworm"))
                .get("CVE-2024-0200").verdict()).isEqualTo(Verdict.FIXED_IN_NEWER);
        assertThat(verdicts(new ScannedPackage("apt", "2.9-1", "amd64", "apt", null, "bookworm"))
                .get("CVE-2024-0200").verdict()).as("no epoch is older than epoch 1").isEqualTo(Verdict.FIXED_IN_NEWER);
    }

    @Test
    void shouldScanATrivySbomByItsSourcePackages() throws IOException {
        SbomReader.Result input = SbomReader.read(resource("trivy-bookworm.cdx.json"), "trivy.json", null);
        assertThat(input.packages()).extracting(p -> p.name() + "<" + p.source() + " " + p.sourceVersion() + "@"
                + p.release()).containsExactly("libssl3<openssl 3.0.11-1~deb12u2@bookworm",
                "libc6<glibc 2.36-9+deb12u3@bookworm", "apt<apt 1:2.0~rc1-1@bookworm",
                "tzdata<tzdata 2024a-0+deb12u1@bookworm", "zlib1g<zlib 1:1.2.13.dfsg-1@bookworm",
                "com.fasterxml.jackson.core:jackson-databind<com.fasterxml.jackson.core:jackson-databind 2.15.0@null");
        ScanReport report = new Scanner(db).scan("trivy.json", input, new Scanner.Options(false, false,
                Duration.ofDays(7)), NOW);
        assertThat(report.findings()).extracting(f -> f.severity() + " " + f.vulnerability() + " " + f.pkg().name()
                + " " + f.verdict()).containsExactly(
                "HIGH CVE-2024-0006 libssl3 AFFECTED_NO_FIX",
                "HIGH CVE-2024-0100 libc6 FIXED_IN_NEWER",
                "MEDIUM CVE-2024-0001 libssl3 FIXED_IN_NEWER",
                "MEDIUM CVE-2024-0200 apt FIXED_IN_NEWER",
                "LOW CVE-2024-0004 libssl3 WONT_FIX",
                "UNKNOWN CVE-2024-0005 libssl3 AFFECTED_NO_FIX",
                "UNKNOWN CVE-2024-0300 tzdata WONT_FIX");
        assertThat(report.notAffected()).isEqualTo(2);
        assertThat(report.warnings()).isEmpty();
        assertThat(report.failsAt(Severity.HIGH)).isTrue();
        assertThat(report.failsAt(Severity.CRITICAL)).isFalse();
        byte[] vdr = ScanReportFormats.vdr(report, "test", NOW);
        assertThat(new JsonParser().validate(vdr, Version.VERSION_16)).isEmpty();
        assertThat(new String(vdr, StandardCharsets.UTF_8)).contains("\"id\" : \"CVE-2024-0100\"",
                "\"recommendation\" : \"Upgrade glibc to 2.36-9+deb12u4 or newer\"");
        ScanReport fixable = new Scanner(db).scan("trivy.json", input, new Scanner.Options(true, false,
                Duration.ofDays(7)), NOW);
        assertThat(fixable.findings()).extracting(Finding::vulnerability)
                .containsExactly("CVE-2024-0100", "CVE-2024-0001", "CVE-2024-0200");
    }

    @Test
    void shouldWarnAboutAnOldDatabaseAndPackagesWithoutRelease() throws IOException {
        VulnDb.importTracker(dir, new ByteArrayInputStream(resource("tracker-semantics.json")), "tracker.json",
                NOW.minus(Duration.ofDays(30)), NOW);
        SbomReader.Result input = new SbomReader.Result("test", List.of(
                new ScannedPackage("libssl3", "3.0.11-1~deb12u2", "amd64", "openssl", null, null),
                new ScannedPackage("libssl3", "3.0.11-1~deb12u2", "amd64", "openssl", null, "bullseye")));
        ScanReport report = new Scanner(VulnDb.open(dir)).scan("x", input,
                new Scanner.Options(false, false, Duration.ofDays(7)), NOW);
        assertThat(report.warnings()).containsExactly(
                "1 package(s) name no Debian release (no distro qualifier or operating system in the SBOM) and were"
                        + " not matched; pass --release CODENAME",
                "the tracker database has no records for bullseye (it holds bookworm, trixie); 1 package(s) of that release"
                        + " were not matched against it",
                "the debian-tracker database was taken 2026-10-24T00:00:00Z, more than 7 days ago; import a fresh"
                        + " feed with `trustplane db import`");
    }

    @Test
    void shouldNameFileRecordAndFieldOfAMalformedFeedAndKeepThePreviousDatabase() throws IOException {
        String bad = "{\"openssl\": {\"CVE-2024-9\": {\"releases\": {\"bookworm\": {\"status\": \"fixed\"}}}}}";
        assertThatThrownBy(() -> VulnDb.importTracker(dir, new ByteArrayInputStream(bad.getBytes(
                StandardCharsets.UTF_8)), "bad.json", NOW, NOW))
                .hasMessage("Vulnerability feed bad.json holds no records of the tracker's shape (1 skipped, e.g."
                        + " openssl/CVE-2024-9/bookworm (releases.bookworm.status): 'fixed' is not resolved, open or"
                        + " undetermined); it is not a Debian security tracker export"
                        + " (https://security-tracker.debian.org/tracker/data/json). Nothing was imported and the"
                        + " previous database is unchanged");
        byte[] whole = resource("tracker-semantics.json");
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> VulnDb.importTracker(dir, new ByteArrayInputStream(truncated), "cut.json", NOW, NOW))
                .hasMessageStartingWith("Vulnerability feed cut.json is not valid JSON:");
        assertThat(VulnDb.open(dir).info().records()).isEqualTo(db.info().records());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(VulnDb.FILE);
        }
    }

    @Test
    void shouldReadSpdxAndSyftStylePurls() {
        String spdx = """
                {"spdxVersion": "SPDX-2.3", "packages": [
                  {"name": "libssl3", "versionInfo": "3.0.11-1~deb12u2",
                   "sourceInfo": "built from Debian source package openssl 3.0.11-1~deb12u2",
                   "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                     "referenceLocator": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"}]},
                  {"name": "libc6", "versionInfo": "2.36-9+deb12u3",
                   "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                     "referenceLocator": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u3?arch=amd64&upstream=glibc&distro=debian-12"}]}
                ]}""";
        assertThat(SbomReader.read(spdx.getBytes(StandardCharsets.UTF_8), "s.json", null, false).packages())
                .extracting(p -> p.name() + " " + p.version() + "<" + p.source() + "@" + p.release())
                .containsExactly("libssl3 3.0.11-1~deb12u2<openssl@bookworm", "libc6 2.36-9+deb12u3<glibc@bookworm");
    }

    @Test
    void shouldNameAnSbomItCannotRead() {
        assertThatThrownBy(() -> SbomReader.read("{\"hello\": 1}".getBytes(StandardCharsets.UTF_8), "x.json", null))
                .hasMessage("SBOM x.json is neither CycloneDX JSON (bomFormat) nor SPDX 2.x JSON (spdxVersion); give"
                        + " one of those, or an image reference");
    }
}
