package dev.trustplane.vuln;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.nio.charset.StandardCharsets;

/** The JSON form of a {@link ScanReport} (format documented in docs/vulnerability-scanning.md). */
public final class ScanReportJson {
    private static final ObjectMapper JSON = Json.pretty();

    private ScanReportJson() {
    }

    public static byte[] write(ScanReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("subject", report.subject());
        root.put("sbomFormat", report.sbomFormat());
        root.put("packages", report.packages());
        ArrayNode dbs = root.putArray("databases");
        for (ScanReport.Source source : report.sources()) {
            dbs.addObject().put("feed", source.feed()).put("file", source.file())
                    .put("takenAt", source.takenAt().toString());
        }
        ObjectNode counts = root.putObject("counts");
        report.counts().forEach((s, n) -> counts.put(s.name(), n));
        root.put("notAffected", report.notAffected());
        ScanReport.Unseen unseen = report.unseen();
        root.putObject("unseen").put("unparseableVersions", unseen.unparseableVersions())
                .put("hiddenUnimportant", unseen.hiddenUnimportant()).put("hiddenUnfixed", unseen.hiddenUnfixed())
                .put("unknownRelease", unseen.unknownRelease()).put("skippedRecords", unseen.skippedRecords());
        ArrayNode warnings = root.putArray("warnings");
        report.warnings().forEach(warnings::add);
        ArrayNode findings = root.putArray("findings");
        for (Finding f : report.findings()) {
            ObjectNode o = findings.addObject();
            o.put("vulnerability", f.vulnerability());
            o.put("severity", f.severity().name());
            o.put("verdict", f.verdict().name());
            o.put("package", f.pkg().name());
            o.put("version", f.pkg().version());
            o.put("source", f.pkg().source());
            o.put("sourceVersion", f.pkg().sourceVersion());
            o.put("release", f.pkg().release());
            if (f.fixedVersion() != null) {
                o.put("fixedVersion", f.fixedVersion());
            }
            o.put("reason", f.reason());
            o.put("record", f.record());
            o.put("description", f.description());
            if (!f.aliases().isEmpty()) {
                ArrayNode aliases = o.putArray("aliases");
                f.aliases().forEach(aliases::add);
            }
            if (f.severitySource() != null) {
                o.put("severitySource", f.severitySource());
            }
            CveIntel i = f.intel();
            if (i.hasCvss()) {
                o.putObject("cvss").put("vector", i.cvssVector()).put("score", i.cvssScore())
                        .put("version", i.cvssVersion()).put("source", i.cvssSource());
            }
            if (i.kev()) {
                o.putObject("kev").put("dateAdded", i.kevDateAdded())
                        .put("knownRansomwareCampaignUse", i.kevRansomware());
            }
            if (i.hasEpss()) {
                o.putObject("epss").put("probability", i.epss()).put("percentile", i.epssPercentile());
            }
        }
        ArrayNode suppressed = root.putArray("suppressedByVex");
        for (Vex.Applied a : report.suppressed()) {
            ObjectNode o = suppressed.addObject();
            o.put("vulnerability", a.finding().vulnerability());
            o.put("package", a.finding().pkg().name());
            o.put("version", a.finding().pkg().version());
            o.put("status", a.statement().status());
            if (a.statement().justification() != null) {
                o.put("justification", a.statement().justification());
            }
            if (a.statement().impact() != null) {
                o.put("impactStatement", a.statement().impact());
            }
            o.put("document", a.statement().document());
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
