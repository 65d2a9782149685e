package dev.trustplane.vuln;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.sbom.ScannedPackage;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OpenVEX statements (v0.2.0, and the v0.0.x string form of {@code vulnerability}) applied to
 * findings: a statement applies when it names the vulnerability (or one of its aliases) and a
 * product or subcomponent purl matches the package — same type, namespace and name; its version,
 * when given, equal; its qualifiers a subset. The newest applicable statement wins.
 */
public final class Vex {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Set<String> JUSTIFICATIONS = Set.of("component_not_present",
            "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
            "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist");

    /** One statement, flattened: vulnerability names, the purls it covers, status and reasons. */
    public record Statement(String document, List<String> vulnerabilities, List<String> purls, String status,
            String justification, String impact, String action, Instant timestamp) {
        public Statement {
            vulnerabilities = List.copyOf(vulnerabilities);
            purls = List.copyOf(purls);
        }

        /** Whether the statement removes the finding from the report. */
        public boolean suppresses() {
            return status.equals("not_affected") || status.equals("fixed");
        }
    }

    /** A finding together with the statement that decided about it. */
    public record Applied(Finding finding, Statement statement) {
    }

    private final List<Statement> statements;

    private Vex(List<Statement> statements) {
        this.statements = List.copyOf(statements);
    }

    public static Vex none() {
        return new Vex(List.of());
    }

    public List<Statement> statements() {
        return statements;
    }

    /** Parses OpenVEX documents; a statement that breaks the spec is refused with the document and index. */
    public static Vex parse(Map<String, byte[]> documents) {
        List<Statement> all = new ArrayList<>();
        documents.forEach((name, bytes) -> all.addAll(parse(bytes, name)));
        return new Vex(all);
    }

    static List<Statement> parse(byte[] bytes, String name) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw invalid(name, "", "is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.path("@context").asText().startsWith("https://openvex.dev/ns")) {
            throw invalid(name, "@context", "is not an OpenVEX context (https://openvex.dev/ns/…)");
        }
        Instant docTime = time(root.path("timestamp").asText(null), name, "timestamp");
        String id = root.path("@id").asText(name);
        List<Statement> out = new ArrayList<>();
        JsonNode list = root.path("statements");
        if (!list.isMissingNode() && !list.isArray()) {
            throw invalid(name, "statements", "is not a list of statements");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String at = "statements[" + i + "]";
            List<String> vulns = new ArrayList<>();
            JsonNode v = s.path("vulnerability");
            if (v.isTextual()) {
                vulns.add(v.asText());
            } else {
                if (v.hasNonNull("name")) {
                    vulns.add(v.get("name").asText());
                }
                v.path("aliases").forEach(a -> vulns.add(a.asText()));
            }
            if (vulns.isEmpty()) {
                throw invalid(name, at + ".vulnerability", "names no vulnerability");
            }
            List<String> purls = new ArrayList<>();
            for (JsonNode p : s.path("products")) {
                String pid = p.isTextual() ? p.asText() : p.path("@id").asText(null);
                if (pid != null) {
                    purls.add(pid);
                }
                for (JsonNode sub : p.path("subcomponents")) {
                    String sid = sub.isTextual() ? sub.asText() : sub.path("@id").asText(null);
                    if (sid != null) {
                        purls.add(sid);
                    }
                }
            }
            String status = s.path("status").asText("");
            if (!Set.of("not_affected", "affected", "fixed", "under_investigation").contains(status)) {
                throw invalid(name, at + ".status", "'" + status + "' is not not_affected, affected, fixed or"
                        + " under_investigation");
            }
            String justification = s.path("justification").asText(null);
            String impact = s.path("impact_statement").asText(null);
            if (status.equals("not_affected")) {
                if (justification == null && impact == null) {
                    throw invalid(name, at, "is not_affected without a justification or impact_statement");
                }
                if (justification != null && !JUSTIFICATIONS.contains(justification)) {
                    throw invalid(name, at + ".justification", "'" + justification + "' is not an OpenVEX"
                            + " justification");
                }
            }
            Instant time = s.hasNonNull("timestamp") ? time(s.get("timestamp").asText(), name, at + ".timestamp")
                    : docTime;
            out.add(new Statement(id, vulns, purls, status, justification, impact,
                    s.path("action_statement").asText(null), time));
        }
        return out;
    }

    /** Splits findings into those still reported and those VEX suppressed. */
    public Map<Boolean, List<Applied>> apply(List<Finding> findings) {
        Map<Boolean, List<Applied>> out = new HashMap<>();
        out.put(true, new ArrayList<>());
        out.put(false, new ArrayList<>());
        for (Finding f : findings) {
            Optional<Statement> decided = statements.stream()
                    .filter(s -> s.vulnerabilities().contains(f.vulnerability()))
                    .filter(s -> s.purls().stream().anyMatch(p -> matches(p, f.pkg())))
                    .max(Comparator.comparing(s -> s.timestamp() == null ? Instant.EPOCH : s.timestamp()));
            boolean suppressed = decided.map(Statement::suppresses).orElse(false);
            out.get(!suppressed).add(new Applied(f, decided.orElse(null)));
        }
        return out;
    }

    /** purl matching: type/namespace/name equal, version equal when given, qualifiers a subset. */
    static boolean matches(String statementPurl, ScannedPackage pkg) {
        if (!statementPurl.startsWith("pkg:deb/")) {
            return false;
        }
        String rest = statementPurl.substring("pkg:deb/".length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        int at = path.indexOf('@');
        String name = decode(path.substring(path.indexOf('/') + 1, at < 0 ? path.length() : at));
        if (!name.equals(pkg.name())) {
            return false;
        }
        if (at >= 0 && !decode(path.substring(at + 1)).equals(pkg.version())) {
            return false;
        }
        if (q >= 0) {
            for (String kv : rest.substring(q + 1).split("&")) {
                if (kv.startsWith("arch=") && pkg.architecture() != null
                        && !kv.substring(5).equals(pkg.architecture())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Instant time(String text, String name, String field) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(name, field, "'" + text + "' is not an RFC 3339 time");
        }
    }

    private static TrustplaneException invalid(String name, String field, String problem) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "VEX document " + name
                + (field.isEmpty() ? "" : ", " + field) + ": " + problem);
    }
}
