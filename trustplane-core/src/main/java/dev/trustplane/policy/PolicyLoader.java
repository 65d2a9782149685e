package dev.trustplane.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads Kyverno {@code kyverno.io/v1} {@code ClusterPolicy} and {@code Policy} documents
 * (multi-document YAML or JSON; a file or a directory of {@code .yaml}/{@code .yml}/{@code .json})
 * strictly: every field is either understood, or reported as unsupported or unknown with its
 * path — nothing is silently ignored. Every problem of every document is collected, so
 * {@code policy lint} shows them all at once; known traps are warnings.
 */
public final class PolicyLoader {
    /** A policy file larger than this is refused before it is parsed. */
    public static final int MAX_FILE_BYTES = 4 << 20;
    private static final ObjectMapper YAML = Json.strictYaml();

    private final TrustedRoot defaultRoot;
    private final String defaultRootHash;

    /**
     * @param defaultRoot the trusted root keyless attestors use when they name no {@code roots},
     *                    and transparency-log checks use when an attestor names no Rekor key; may be null
     */
    public PolicyLoader(TrustedRoot defaultRoot, byte[] defaultRootBytes) {
        this.defaultRoot = defaultRoot;
        this.defaultRootHash = defaultRootBytes == null ? "" : Digest.sha256(defaultRootBytes).toString();
    }

    /**
     * What was loaded: the policies without errors, every problem found, and the ConfigMaps kept
     * beside the policies (context sources for their {@code configMap} entries).
     */
    public record Loaded(List<Policy> policies, List<PolicyProblem> problems, List<JsonNode> configMaps,
            List<PolicyException> exceptions) {
        public Loaded {
            exceptions = List.copyOf(exceptions);
            List<PolicyException> all = exceptions;
            policies = policies.stream().map(p -> p.withExceptions(all)).toList();
            problems = List.copyOf(problems);
            configMaps = List.copyOf(configMaps);
        }

        public Loaded(List<Policy> policies, List<PolicyProblem> problems) {
            this(policies, problems, List.of(), List.of());
        }

        public Loaded(List<Policy> policies, List<PolicyProblem> problems, List<JsonNode> configMaps) {
            this(policies, problems, configMaps, List.of());
        }

        /** Where the loaded policies' context entries read: these ConfigMaps first, then {@code cluster}. */
        public ContextSource contextSource(ContextSource cluster) {
            return ContextSource.of(configMaps, cluster);
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
        }

        /** The policies, or an error listing every problem when there is one. */
        public List<Policy> orThrow() {
            if (hasErrors()) {
                List<String> lines = problems.stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                        .map(PolicyProblem::toString).toList();
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, lines.size() + " policy problem"
                        + (lines.size() == 1 ? "" : "s") + " (run `trustplane policy lint` for all, warnings too):\n  "
                        + String.join("\n  ", lines));
            }
            return policies;
        }
    }

    /** Loads a file or every policy file of a directory (not recursive, sorted by name). */
    public Loaded load(Path path) {
        if (!Files.exists(path)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Policy path " + path + " does not exist; pass a"
                    + " policy file or a directory of them");
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)$") && Files.isRegularFile(p))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Could not list policy directory " + path + ": " + e.getMessage());
            }
        } else {
            files.add(path);
        }
        List<Text> texts = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        for (Path f : files) {
            try {
                if (Files.size(f) > MAX_FILE_BYTES) {
                    problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, f.toString(), null, null, "the file has "
                            + Files.size(f) + " bytes, more than the " + MAX_FILE_BYTES + " a policy file may have"));
                    continue;
                }
                texts.add(new Text(f.toString(), Files.readAllBytes(f)));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Could not read policy file " + f + ": " + e.getMessage());
            }
        }
        if (files.isEmpty()) {
            problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, path.toString(), null, null,
                    "the directory holds no .yaml, .yml or .json policy file"));
        }
        return load(texts, problems);
    }

    /** One policy text and where it came from (a file, an object of the Kubernetes API). */
    public record Text(String source, byte[] content) {
    }

    /**
     * Parses every text, with {@code problems} found before (unreadable sources), and checks that
     * no two policies of a kind share a name.
     */
    public Loaded load(List<Text> texts, List<PolicyProblem> problems) {
        List<Policy> policies = new ArrayList<>();
        List<PolicyProblem> all = new ArrayList<>(problems);
        List<JsonNode> configMaps = new ArrayList<>();
        List<PolicyException> exceptions = new ArrayList<>();
        for (Text t : texts) {
            Loaded one = parse(t.content(), t.source());
            policies.addAll(one.policies());
            all.addAll(one.problems());
            configMaps.addAll(one.configMaps());
            exceptions.addAll(one.exceptions());
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (Policy p : policies) {
            String key = p.kind() + "/" + p.displayName();
            String earlier = seen.putIfAbsent(key, p.source());
            if (earlier != null) {
                all.add(new PolicyProblem(PolicyProblem.Severity.ERROR, p.source(), p.displayName(), "metadata.name",
                        "a " + p.kind() + " with this name is also defined in " + earlier + "; names must be unique"));
            }
        }
        return new Loaded(policies, all, configMaps, exceptions);
    }

    /**
     * Whether {@code doc} is meant as a policy: a {@code ClusterPolicy} or {@code Policy} of any
     * API group (a wrong group is then reported), or any kind of the {@code kyverno.io} and
     * {@code policies.kyverno.io} groups and policy-controller's {@code policy.sigstore.dev} (reported when not read). Documents of other groups (core
     * {@code v1} ConfigMaps and Namespaces, {@code apps/v1}, test harness kinds) are skipped.
     */
    static boolean policyDocument(JsonNode doc) {
        if (!doc.isObject()) {
            return true;
        }
        String kind = doc.path("kind").asText("");
        String apiVersion = doc.path("apiVersion").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return kind.equals("ClusterPolicy") || kind.equals("Policy") || group.equals("kyverno.io")
                || group.equals("policies.kyverno.io") || group.equals("policy.sigstore.dev")
                || !doc.has("apiVersion") && !doc.has("kind");
    }

    /** Parses every document of one YAML or JSON text. */
    public Loaded parse(byte[] text, String source) {
        List<Policy> policies = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                documents.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            if (e instanceof JsonProcessingException j && j.getLocation() != null) {
                message = (j.getOriginalMessage() == null ? message : j.getOriginalMessage().lines().findFirst().orElse(""))
                        + " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
            }
            problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, source, null, null,
                    "is not valid YAML: " + message));
            return new Loaded(policies, problems);
        }
        List<JsonNode> configMaps = new ArrayList<>();
        List<PolicyException> exceptions = new ArrayList<>();
        int n = 0;
        for (JsonNode doc : documents) {
            n++;
            if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isObject() && doc.isEmpty())) {
                continue;
            }
            if (!policyDocument(doc)) {
                // a Namespace, ConfigMap, Secret… kept beside the policies: not a policy, not broken;
                // a ConfigMap answers the policies' configMap context entries
                if (doc.path("kind").asText().equals("ConfigMap") && doc.path("apiVersion").asText().equals("v1")
                        && doc.path("metadata").hasNonNull("name")) {
                    configMaps.add(doc);
                }
                continue;
            }
            String where = documents.size() > 1 ? source + " (document " + n + ")" : source;
            PolicyDocument d = new PolicyDocument(where, problems);
            if (doc.path("kind").asText().equals("PolicyException")) {
                PolicyException e = new ExceptionReader(d, Instant.now()).read(doc);
                if (e != null && !d.failed()) {
                    exceptions.add(e);
                }
                continue;
            }
            Policy p = new PolicyReader(d, defaultRoot, defaultRootHash).read(doc);
            if (p != null && !d.failed()) {
                policies.add(p);
            }
        }
        return new Loaded(policies, problems, configMaps, exceptions);
    }

    /** The parse of one document; problems are collected, {@code failed} once one is an error. */
}
