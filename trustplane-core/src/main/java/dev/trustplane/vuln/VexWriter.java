package dev.trustplane.vuln;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.sbom.ScannedPackage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes OpenVEX (v0.2.0) for an image from the tracker's verdicts, so that scanners which do
 * not know Debian's triage can honour it: never affected → {@code not_affected}
 * (vulnerable_code_not_present), installed version fixed → {@code fixed}, a newer fix →
 * {@code affected} with the upgrade as action, no-DSA / end-of-life → {@code affected} with the
 * reason, undetermined → {@code under_investigation}. Unimportant issues are stated as
 * {@code affected} with Debian's rating as impact: no security impact in Debian is not "not
 * affected".
 */
public final class VexWriter {
    private static final ObjectMapper JSON = Json.pretty();

    private VexWriter() {
    }

    /** {@code product} is the image's purl (e.g. {@code pkg:oci/base@sha256:…}); {@code purls} maps package → purl. */
    public static byte[] write(String product, String author, Instant timestamp, List<Finding> verdicts,
            Map<ScannedPackage, String> purls) {
        ObjectNode root = JSON.createObjectNode();
        root.put("@context", "https://openvex.dev/ns/v0.2.0");
        root.put("@id", "https://trustplane.dev/vex/" + Digest.sha256(product).hex());
        root.put("author", author);
        root.put("timestamp", timestamp.toString());
        root.put("version", 1);
        root.put("tooling", "trustplane");
        ArrayNode statements = root.putArray("statements");
        Map<String, Finding> ordered = new TreeMap<>();
        for (Finding f : verdicts) {
            ordered.put(f.vulnerability() + "\u0000" + f.pkg().name() + "\u0000" + f.pkg().version(), f);
        }
        for (Finding f : ordered.values()) {
            ObjectNode s = statements.addObject();
            s.putObject("vulnerability").put("name", f.vulnerability());
            ObjectNode p = s.putArray("products").addObject();
            p.put("@id", product);
            p.putArray("subcomponents").addObject().put("@id", purls.getOrDefault(f.pkg(), "pkg:deb/debian/"
                    + f.pkg().name() + "@" + f.pkg().version()));
            switch (f.verdict()) {
                case NOT_AFFECTED -> {
                    if (f.fixedVersion() == null) {
                        s.put("status", "not_affected");
                        s.put("justification", "vulnerable_code_not_present");
                        s.put("impact_statement", "Debian security tracker: " + f.reason() + " (" + f.record() + ")");
                    } else {
                        s.put("status", "fixed");
                        s.put("status_notes", "Debian security tracker: " + f.reason() + " (" + f.record() + ")");
                    }
                }
                case FIXED_IN_NEWER -> {
                    s.put("status", "affected");
                    s.put("action_statement", "Rebuild the image with " + f.pkg().source() + " " + f.fixedVersion()
                            + " or newer (" + f.record() + ")");
                }
                case WONT_FIX -> {
                    s.put("status", "affected");
                    s.put("action_statement", "No fix planned by Debian: " + f.reason() + " (" + f.record() + ")");
                }
                case UNIMPORTANT -> {
                    s.put("status", "affected");
                    s.put("action_statement", "None required by Debian: " + f.reason() + " (" + f.record() + ")");
                    s.put("impact_statement", "Debian rates this issue unimportant (no security impact in Debian)");
                }
                default -> {
                    boolean undetermined = f.reason().contains("undetermined");
                    s.put("status", undetermined ? "under_investigation" : "affected");
                    if (!undetermined) {
                        s.put("action_statement", "No fix available yet: " + f.reason() + " (" + f.record() + ")");
                    }
                }
            }
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
