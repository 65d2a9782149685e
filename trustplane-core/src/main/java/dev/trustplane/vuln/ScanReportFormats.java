package dev.trustplane.vuln;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scan reports for other tools: SARIF 2.1.0 (code-scanning dashboards) and the in-toto
 * vulnerability predicate {@code https://in-toto.io/attestation/vulns/v0.1} (what an attestation
 * about the scan carries).
 */
public final class ScanReportFormats {
    public static final String VULNS_PREDICATE = "https://in-toto.io/attestation/vulns/v0.1";
    private static final ObjectMapper JSON = Json.pretty();

    private ScanReportFormats() {
    }

    /** SARIF 2.1.0: one rule per vulnerability, one result per affected package. */
    public static byte[] sarif(ScanReport report, String version) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "trustplane");
        driver.put("version", version);
        driver.put("informationUri", "https://trustplane.dev");
        ArrayNode rules = driver.putArray("rules");
        Map<String, Finding> firstByVulnerability = new LinkedHashMap<>();
        report.findings().forEach(f -> firstByVulnerability.putIfAbsent(f.vulnerability(), f));
        for (Finding f : firstByVulnerability.values()) {
            ObjectNode rule = rules.addObject();
            rule.put("id", f.vulnerability());
            rule.putObject("shortDescription").put("text", f.vulnerability() + " in " + f.pkg().source());
            rule.putObject("fullDescription").put("text", f.description().isEmpty() ? f.vulnerability()
                    : f.description());
            rule.put("helpUri", "https://security-tracker.debian.org/tracker/" + f.vulnerability());
            rule.putObject("properties").put("security-severity", score(f.severity()))
                    .putArray("tags").add("security").add("vulnerability");
        }
        ArrayNode results = run.putArray("results");
        for (Finding f : report.findings()) {
            ObjectNode r = results.addObject();
            r.put("ruleId", f.vulnerability());
            r.put("level", level(f.severity()));
            r.putObject("message").put("text", f.pkg().name() + " " + f.pkg().version() + ": " + f.verdict().label()
                    + " (" + f.reason() + ")" + (f.fixedVersion() == null ? "" : "; fixed in " + f.fixedVersion()));
            ObjectNode location = r.putArray("locations").addObject();
            location.putObject("physicalLocation").putObject("artifactLocation").put("uri", report.subject());
            location.putArray("logicalLocations").addObject().put("name", f.pkg().name()).put("kind", "package")
                    .put("fullyQualifiedName", f.pkg().name() + "@" + f.pkg().version());
            ObjectNode props = r.putObject("properties").put("verdict", f.verdict().name()).put("record", f.record());
            if (!f.aliases().isEmpty()) {
                ArrayNode aliases = props.putArray("aliases");
                f.aliases().forEach(aliases::add);
            }
            if (f.intel().kev()) {
                props.put("kev", true);
            }
        }
        return bytes(root);
    }

    /**
     * A CycloneDX 1.6 vulnerability disclosure report (VDR): the affected packages as components
     * and one vulnerability per (CVE) with its rating, recommendation and affected components.
     */
    public static byte[] vdr(ScanReport report, String version, Instant timestamp) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        root.put("bomFormat", "CycloneDX");
        root.put("specVersion", "1.6");
        root.put("version", 1);
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("timestamp", timestamp.toString());
        metadata.putObject("tools").putArray("components").addObject().put("type", "application")
                .put("name", "trustplane").put("version", version);
        metadata.putObject("component").put("type", "container").put("name", report.subject())
                .put("bom-ref", "subject");
        ArrayNode components = root.putArray("components");
        Map<String, String> refs = new LinkedHashMap<>();
        for (Finding f : report.findings()) {
            String ref = f.pkg().type() + ":" + f.pkg().name() + "@" + f.pkg().version();
            if (refs.putIfAbsent(ref, ref) == null) {
                ObjectNode c = components.addObject();
                c.put("bom-ref", ref).put("type", "library").put("name", f.pkg().name()).put("version", f.pkg().version());
            }
        }
        ArrayNode vulnerabilities = root.putArray("vulnerabilities");
        Map<String, List<Finding>> byId = new LinkedHashMap<>();
        report.findings().forEach(f -> byId.computeIfAbsent(f.vulnerability(), k -> new ArrayList<>()).add(f));
        byId.forEach((id, findings) -> {
            Finding first = findings.get(0);
            ObjectNode v = vulnerabilities.addObject();
            v.put("bom-ref", "vuln:" + id);
            v.put("id", id);
            boolean osv = first.record().startsWith("osv:");
            v.putObject("source").put("name", osv ? "OSV" : "Debian security tracker")
                    .put("url", osv ? "https://osv.dev/vulnerability/" + first.record().substring(4)
                            : "https://security-tracker.debian.org/tracker/" + id);
            ArrayNode ratings = v.putArray("ratings");
            if ("nvd".equals(first.severitySource()) && first.intel().hasCvss()) {
                CveIntel i = first.intel();
                ratings.addObject().put("score", i.cvssScore()).put("severity", severity(first.severity()))
                        .put("method", cvssMethod(i.cvssVersion())).put("vector", i.cvssVector())
                        .putObject("source").put("name", "NVD").put("url", "https://nvd.nist.gov/vuln/detail/" + id);
            } else {
                ratings.addObject().put("severity", severity(first.severity()))
                        .put("method", "other").putObject("source").put("name", osv ? "CVSS" : "Debian urgency");
            }
            if (!first.aliases().isEmpty()) {
                ArrayNode references = v.putArray("references");
                for (String alias : first.aliases()) {
                    references.addObject().put("id", alias).putObject("source").put("name", "Debian security tracker")
                            .put("url", "https://security-tracker.debian.org/tracker/" + alias);
                }
            }
            if (!first.description().isEmpty()) {
                v.put("description", first.description());
            }
            if (first.fixedVersion() != null) {
                v.put("recommendation", "Upgrade " + first.pkg().source() + " to " + first.fixedVersion()
                        + " or newer");
            }
            ObjectNode analysis = v.putObject("analysis");
            analysis.put("state", first.verdict() == Verdict.WONT_FIX ? "exploitable" : "in_triage");
            analysis.put("detail", first.verdict().label() + ": " + first.reason());
            ArrayNode affects = v.putArray("affects");
            findings.forEach(f -> affects.addObject().put("ref", f.pkg().type() + ":" + f.pkg().name() + "@"
                    + f.pkg().version()));
        });
        return bytes(root);
    }

    /** CycloneDX's rating method for a CVSS version ({@code 3.1} → {@code CVSSv31}). */
    private static String cvssMethod(String version) {
        return switch (version == null ? "" : version) {
            case "2.0" -> "CVSSv2";
            case "3.0" -> "CVSSv3";
            case "4.0" -> "CVSSv4";
            default -> "CVSSv31";
        };
    }

    private static String severity(Severity s) {
        return switch (s) {
            case NEGLIGIBLE -> "info";
            default -> s.name().toLowerCase(Locale.ROOT);
        };
    }

    /** An in-toto statement with the vulns v0.1 predicate about {@code subjectName} / {@code subjectSha256}. */
    public static byte[] inToto(ScanReport report, String subjectName, String subjectSha256, String version,
            Instant started, Instant finished) {
        ObjectNode root = JSON.createObjectNode();
        root.put("_type", "https://in-toto.io/Statement/v1");
        ObjectNode subject = root.putArray("subject").addObject();
        subject.put("name", subjectName);
        subject.putObject("digest").put("sha256", subjectSha256);
        root.put("predicateType", VULNS_PREDICATE);
        ObjectNode predicate = root.putObject("predicate");
        ObjectNode scanner = predicate.putObject("scanner");
        scanner.put("uri", "https://trustplane.dev");
        scanner.put("version", version);
        ObjectNode db = scanner.putObject("db");
        db.put("uri", "https://security-tracker.debian.org/tracker/data/json");
        db.put("version", String.join("+", report.sources().stream().map(ScanReport.Source::feed).toList()));
        db.put("lastUpdate", report.oldestFeed().toString());
        ArrayNode result = scanner.putArray("result");
        for (Finding f : report.findings()) {
            ObjectNode r = result.addObject();
            r.put("id", f.vulnerability());
            r.putArray("severity").addObject().put("method", "debian-urgency").put("score", f.severity().name());
            ObjectNode annotations = r.putArray("annotations").addObject();
            annotations.put("package", f.pkg().name() + "@" + f.pkg().version());
            annotations.put("verdict", f.verdict().name());
            if (f.fixedVersion() != null) {
                annotations.put("fixedVersion", f.fixedVersion());
            }
        }
        ObjectNode metadata = predicate.putObject("metadata");
        metadata.put("scanStartedOn", started.toString());
        metadata.put("scanFinishedOn", finished.toString());
        return bytes(root);
    }

    /**
     * The predicate of cosign's {@code vuln} attestation type
     * ({@code https://cosign.sigstore.dev/attestation/vuln/v1}): the scanner, its database and
     * the scan's own JSON report as {@code result}, with the scan's start and end.
     */
    public static byte[] cosignVuln(ScanReport report, String version, Instant started, Instant finished) {
        ObjectNode predicate = JSON.createObjectNode();
        ObjectNode invocation = predicate.putObject("invocation");
        invocation.putArray("parameters");
        invocation.put("uri", "");
        invocation.put("event_id", "");
        invocation.put("builder.id", "");
        ObjectNode scanner = predicate.putObject("scanner");
        scanner.put("uri", "https://trustplane.dev");
        scanner.put("version", version);
        ObjectNode db = scanner.putObject("db");
        db.put("uri", "https://security-tracker.debian.org/tracker/data/json");
        db.put("version", report.oldestFeed().toString());
        try {
            scanner.set("result", JSON.readTree(ScanReportJson.write(report)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode metadata = predicate.putObject("metadata");
        metadata.put("scanStartedOn", started.toString());
        metadata.put("scanFinishedOn", finished.toString());
        return bytes(predicate);
    }

    private static String level(Severity s) {
        return switch (s) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            default -> "note";
        };
    }

    /** GitHub's security-severity scale: critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0. */
    private static String score(Severity s) {
        return switch (s) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "2.0";
            default -> "0.0";
        };
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
