package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.sbom.ScannedPackage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VexWriterTest {
    @TempDir
    Path dir;

    @Test
    void shouldStateDebiansTriageAsOpenVexThatReadsBack() throws IOException {
        try (InputStream in = VexWriterTest.class.getResourceAsStream("/vuln/tracker-semantics.json")) {
            VulnDb.importTracker(dir, in, "tracker.json", Instant.now(), Instant.now());
        }
        ScannedPackage libssl = new ScannedPackage("libssl3", "3.0.11-1~deb12u2", "amd64", "openssl", null,
                "bookworm");
        List<Finding> verdicts = new Matcher(VulnDb.open(dir)).match(List.of(libssl));
        byte[] vex = VexWriter.write("pkg:oci/base@sha256%3Aabc", "Example", Instant.parse("2026-11-23T00:00:00Z"),
                verdicts, Map.of(libssl, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64"));
        String text = new String(vex, StandardCharsets.UTF_8);
        Vex parsed = Vex.parse(Map.of("generated.json", vex));
        assertThat(parsed.statements()).extracting(s -> s.vulnerabilities().get(0) + " " + s.status()).containsExactly(
                "CVE-2024-0001 affected", "CVE-2024-0002 not_affected", "CVE-2024-0003 affected",
                "CVE-2024-0004 affected", "CVE-2024-0005 under_investigation", "CVE-2024-0006 affected",
                "CVE-2024-0007 fixed");
        assertThat(text).contains("\"justification\" : \"vulnerable_code_not_present\"",
                "Rebuild the image with openssl 3.0.15-1~deb12u1 or newer",
                "No fix planned by Debian: no DSA (postponed)",
                "Debian rates this issue unimportant (no security impact in Debian)");
        Map<Boolean, List<Vex.Applied>> applied = parsed.apply(verdicts.stream().filter(f -> f.verdict().affected())
                .toList());
        assertThat(applied.get(false)).isEmpty();
    }
}
