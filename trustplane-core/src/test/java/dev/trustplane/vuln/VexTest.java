package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.sbom.ScannedPackage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VexTest {
    private static final ScannedPackage LIBSSL = new ScannedPackage("libssl3", "3.0.11-1~deb12u2", "amd64", "openssl",
            null, "bookworm");
    private static final ScannedPackage LIBC = new ScannedPackage("libc6", "2.36-9+deb12u3", "amd64", "glibc", null,
            "bookworm");

    private static Finding finding(String cve, ScannedPackage p) {
        return new Finding(p, cve, Verdict.AFFECTED_NO_FIX, Severity.HIGH, null, "open", "r", "", "debian");
    }

    private static Vex vex(String statements) {
        String doc = "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"https://example.org/vex/1\","
                + " \"author\": \"Example\", \"timestamp\": \"2026-11-01T00:00:00Z\", \"version\": 1,"
                + " \"statements\": [" + statements + "]}";
        return Vex.parse(Map.of("vex.json", doc.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSuppressNotAffectedAndFixedByProductOrSubcomponentPurl() {
        Vex vex = vex("""
                {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:oci/base",
                  "subcomponents": [{"@id": "pkg:deb/debian/libssl3?arch=amd64"}]}],
                 "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
                {"vulnerability": "CVE-2", "products": ["pkg:deb/debian/libc6@2.36-9%2Bdeb12u3"], "status": "fixed"},
                {"vulnerability": {"name": "CVE-3"}, "products": [{"@id": "pkg:deb/debian/libc6@9.9"}],
                 "status": "not_affected", "justification": "component_not_present"},
                {"vulnerability": {"name": "CVE-4"}, "products": [{"@id": "pkg:deb/debian/libc6"}],
                 "status": "affected", "action_statement": "upgrade"}""");
        Map<Boolean, List<Vex.Applied>> out = vex.apply(List.of(finding("CVE-1", LIBSSL), finding("CVE-2", LIBC),
                finding("CVE-3", LIBC), finding("CVE-4", LIBC), finding("CVE-1", LIBC)));
        assertThat(out.get(false)).extracting(a -> a.finding().vulnerability() + " " + a.finding().pkg().name()
                + " " + a.statement().status()).containsExactly("CVE-1 libssl3 not_affected", "CVE-2 libc6 fixed");
        assertThat(out.get(true)).extracting(a -> a.finding().vulnerability() + " " + a.finding().pkg().name())
                .containsExactly("CVE-3 libc6", "CVE-4 libc6", "CVE-1 libc6");
    }

    @Test
    void shouldLetTheNewestStatementWin() {
        Vex vex = vex("""
                {"vulnerability": {"name": "CVE-1"}, "products": ["pkg:deb/debian/libssl3"], "status": "not_affected",
                 "justification": "component_not_present", "timestamp": "2026-11-02T00:00:00Z"},
                {"vulnerability": {"name": "CVE-1"}, "products": ["pkg:deb/debian/libssl3"], "status": "affected",
                 "timestamp": "2026-11-03T00:00:00Z"}""");
        assertThat(vex.apply(List.of(finding("CVE-1", LIBSSL))).get(true)).hasSize(1);
    }

    @Test
    void shouldRefuseNotAffectedWithoutJustification() {
        assertThatThrownBy(() -> vex("""
                {"vulnerability": {"name": "CVE-1"}, "products": ["pkg:deb/debian/libssl3"], "status": "not_affected"}"""))
                .hasMessage("VEX document vex.json, statements[0]: is not_affected without a justification or"
                        + " impact_statement");
        assertThatThrownBy(() -> Vex.parse(Map.of("x.json", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8))))
                .hasMessage("VEX document x.json, @context: is not an OpenVEX context (https://openvex.dev/ns/…)");
    }
}
