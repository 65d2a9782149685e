package dev.trustplane.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.verify.CertificateIdentity;
import dev.trustplane.verify.TrustSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The audit's configuration, one YAML file ({@code origins.yaml}): who vouches for which images
 * ({@code origins}: a name, repository patterns, the keys and keyless identities that sign for
 * it), which labels carry team, compliance scope and environment ({@code labels}), when an image
 * counts as abandoned ({@code maxAgeDays}) and the weights of the remediation rule
 * ({@code weights}). Every problem of a file is reported at once.
 */
public record AuditConfig(List<Origin> origins, Labels labels, int maxAgeDays, Map<String, Integer> weights) {
    public static final int DEFAULT_MAX_AGE_DAYS = 365;
    private static final Set<String> TOP = Set.of("origins", "labels", "maxAgeDays", "weights");

    public AuditConfig {
        origins = List.copyOf(origins);
        Map<String, Integer> w = new LinkedHashMap<>(Scoring.DEFAULT_WEIGHTS);
        w.putAll(weights);
        weights = Map.copyOf(w);
    }

    /** Who vouches for images: repository patterns ({@code *} within, {@code **} across path segments) and signers. */
    public record Origin(String name, List<String> repositories, List<PublicKey> keys,
            List<CertificateIdentity> identities) {
        public Origin {
            repositories = List.copyOf(repositories);
            keys = List.copyOf(keys);
            identities = List.copyOf(identities);
        }

        public boolean covers(String repository) {
            return repositories.stream().anyMatch(p -> glob(p).matcher(repository).matches());
        }
    }

    /** The label keys read from workloads, then from their namespace. */
    public record Labels(String team, String compliance, String environment) {
        public static final Labels DEFAULT = new Labels("trustplane.dev/team", "trustplane.dev/compliance",
                "trustplane.dev/environment");
    }

    /** No origins, default labels, age and weights: every image's origin is "unknown". */
    public static AuditConfig defaults() {
        return new AuditConfig(List.of(), Labels.DEFAULT, DEFAULT_MAX_AGE_DAYS, Map.of());
    }

    /** The origin whose repository patterns cover {@code repository} first, if any. */
    public Origin originOf(String repository) {
        for (Origin o : origins) {
            if (o.covers(repository)) {
                return o;
            }
        }
        return null;
    }

    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    public static AuditConfig load(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > 1 << 20) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Audit configuration " + file + " is larger"
                        + " than 1 MiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Cannot read the audit configuration " + file + ": "
                    + e.getMessage() + "; see docs/examples/origins.yaml", e);
        }
        return parse(bytes, file.toString(), file.toAbsolutePath().getParent());
    }

    public static AuditConfig parse(byte[] yaml, String source, Path base) {
        JsonNode root;
        try {
            root = Json.strictYaml().readTree(yaml);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + " is not valid YAML: "
                    + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + " must be a mapping with `origins:`;"
                    + " see docs/examples/origins.yaml");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!TOP.contains(k)) {
                problems.add("unknown key `" + k + "` (expected " + String.join(", ", TOP.stream().sorted().toList())
                        + ")");
            }
        }
        List<Origin> origins = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        JsonNode list = root.path("origins");
        if (!list.isMissingNode() && !list.isArray()) {
            problems.add("`origins` must be a list");
        }
        int i = 0;
        for (JsonNode o : list.isArray() ? list : Json.mapper().createArrayNode()) {
            String at = "origins[" + i++ + "]";
            String name = o.path("name").asText("");
            if (name.isBlank()) {
                problems.add(at + ": `name` is missing");
            } else if (names.put(name, i) != null) {
                problems.add(at + ": the name `" + name + "` is used twice");
            }
            List<String> repos = strings(o.path("repositories"), at + ".repositories", problems);
            if (repos.isEmpty()) {
                problems.add(at + ": `repositories` lists no pattern (e.g. registry.example.com/team/*)");
            }
            List<PublicKey> keys = new ArrayList<>();
            for (String k : strings(o.path("keys"), at + ".keys", problems)) {
                Path p = base == null ? Path.of(k) : base.resolve(k);
                try {
                    keys.add(Keys.readPublic(TrustSpec.readKeyFile(p, "public key"), p.toString()));
                } catch (TrustplaneException e) {
                    problems.add(at + ".keys: " + e.getMessage());
                }
            }
            List<CertificateIdentity> identities = new ArrayList<>();
            int j = 0;
            for (JsonNode id : o.path("identities")) {
                String where = at + ".identities[" + j++ + "]";
                try {
                    String subject = text(id, "subject");
                    String subjectRegexp = text(id, "subjectRegexp");
                    String issuer = text(id, "issuer");
                    String issuerRegexp = text(id, "issuerRegexp");
                    if (subject == null && subjectRegexp == null || issuer == null && issuerRegexp == null) {
                        problems.add(where + ": give `subject` or `subjectRegexp`, and `issuer` or `issuerRegexp`");
                        continue;
                    }
                    identities.add(new CertificateIdentity(subject, subjectRegexp == null ? null
                            : Pattern.compile(subjectRegexp), issuer, issuerRegexp == null ? null
                            : Pattern.compile(issuerRegexp), Map.of()));
                } catch (PatternSyntaxException e) {
                    problems.add(where + ": a regular expression does not compile: " + e.getDescription());
                }
            }
            origins.add(new Origin(name, repos, keys, identities));
        }
        JsonNode l = root.path("labels");
        Labels labels = new Labels(l.path("team").asText(Labels.DEFAULT.team()),
                l.path("compliance").asText(Labels.DEFAULT.compliance()),
                l.path("environment").asText(Labels.DEFAULT.environment()));
        int maxAge = DEFAULT_MAX_AGE_DAYS;
        if (root.has("maxAgeDays")) {
            if (!root.path("maxAgeDays").canConvertToInt() || root.path("maxAgeDays").asInt() < 1) {
                problems.add("`maxAgeDays` must be a positive number of days");
            } else {
                maxAge = root.path("maxAgeDays").asInt();
            }
        }
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("weights").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> w = it.next();
            if (!Scoring.DEFAULT_WEIGHTS.containsKey(w.getKey())) {
                problems.add("weights: unknown weight `" + w.getKey() + "` (known: "
                        + String.join(", ", Scoring.DEFAULT_WEIGHTS.keySet()) + ")");
            } else if (!w.getValue().canConvertToInt() || w.getValue().asInt() < 0) {
                problems.add("weights." + w.getKey() + " must be a whole number ≥ 0");
            } else {
                weights.put(w.getKey(), w.getValue().asInt());
            }
        }
        if (!problems.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + " has " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + ":\n  - " + String.join("\n  - ", problems)
                    + "\nsee docs/examples/origins.yaml");
        }
        return new AuditConfig(origins, labels, maxAge, weights);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode node, String at, List<String> problems) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add(at + " must be a list");
            return out;
        }
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isBlank()) {
                problems.add(at + " holds an entry that is not a non-empty string");
            } else {
                out.add(n.asText());
            }
        }
        return out;
    }
}
