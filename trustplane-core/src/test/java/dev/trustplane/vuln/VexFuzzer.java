package dev.trustplane.vuln;

import dev.trustplane.error.TrustplaneException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** OpenVEX documents handed to {@code scan --vex}: refused with a message naming the document, or read. */
public final class VexFuzzer {
    private VexFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            Vex vex = Vex.parse(Map.of("fuzz.vex.json", data));
            for (Vex.Statement s : vex.statements()) {
                if (s.vulnerabilities().isEmpty()) {
                    throw new IllegalStateException("a statement about no vulnerability was kept");
                }
            }
        } catch (TrustplaneException refused) {
            // refused with a message
        }
    }

    public static List<byte[]> seeds() {
        String doc = "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"https://example.org/vex/1\","
                + " \"author\": \"Example\", \"timestamp\": \"2026-11-01T00:00:00Z\", \"version\": 1,"
                + " \"statements\": [{\"vulnerability\": {\"name\": \"CVE-1\", \"aliases\": [\"DSA-1\"]}, \"products\":"
                + " [{\"@id\": \"pkg:oci/base\", \"subcomponents\": [{\"@id\": \"pkg:deb/debian/libssl3?arch=amd64\"}]}],"
                + " \"status\": \"not_affected\", \"justification\": \"vulnerable_code_not_in_execute_path\"},"
                + " {\"vulnerability\": \"CVE-2\", \"products\": [\"pkg:deb/debian/libc6@2.36-9%2Bdeb12u3\"],"
                + " \"status\": \"fixed\"}, {\"vulnerability\": {\"name\": \"CVE-4\"}, \"products\":"
                + " [{\"@id\": \"pkg:deb/debian/libc6\"}], \"status\": \"affected\", \"action_statement\": \"upgrade\"}]}";
        return List.of(doc.getBytes(StandardCharsets.UTF_8));
    }
}
