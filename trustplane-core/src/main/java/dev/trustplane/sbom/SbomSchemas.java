package dev.trustplane.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an SBOM against the official JSON schema of its format and version before anything reads
 * it: CycloneDX 1.2–1.7 (1.2 and 1.3 in their strict variants, as the CycloneDX test suite does)
 * and SPDX 2.2–2.3. The schemas ship with Trustplane (resources {@code dev/trustplane/sbom/schema},
 * see their README); nothing is fetched — a {@code $ref} outside them is refused.
 */
public final class SbomSchemas {
    /** One problem: where in the document ({@code $.components[3].type}) and what is wrong. */
    public record Problem(String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private static final String RESOURCES = "/dev/trustplane/sbom/schema/";
    private static final Map<String, String> CYCLONEDX = Map.of("1.2", "bom-1.2-strict.schema.json", "1.3",
            "bom-1.3-strict.schema.json", "1.4", "bom-1.4.schema.json", "1.5", "bom-1.5.schema.json", "1.6",
            "bom-1.6.schema.json", "1.7", "bom-1.7.schema.json");
    private static final Map<String, String> SPDX = Map.of("SPDX-2.2", "spdx-schema-v2.2.json", "SPDX-2.3",
            "spdx-schema-v2.3.json");
    /** Where the CycloneDX schemas say they live; their relative {@code $ref}s resolve against it. */
    private static final String CYCLONEDX_BASE = "http://cyclonedx.org/schema/";
    private static final Map<String, Schema> LOADED = new ConcurrentHashMap<>();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
            b -> b.schemaLoader(l -> l.fetchRemoteResources(false)).schemas(SbomSchemas::bundled));

    private SbomSchemas() {
    }

    /**
     * The problems of {@code document} (named {@code name} in messages) against its schema; empty
     * when it is valid. A document of no known format or version is one problem saying so.
     */
    public static List<Problem> validate(JsonNode document, String name) {
        if (document == null || !document.isObject()) {
            return List.of(new Problem("$", "is not a JSON object (neither a CycloneDX BOM nor an SPDX document)"));
        }
        String file;
        String iri;
        if (document.has("bomFormat") || document.has("specVersion")) {
            String version = document.path("specVersion").asText("");
            if (!"CycloneDX".equals(document.path("bomFormat").asText(""))) {
                return List.of(new Problem("$.bomFormat", "must be \"CycloneDX\" (is " + document.path("bomFormat")
                        + ")"));
            }
            file = CYCLONEDX.get(version);
            if (file == null) {
                return List.of(new Problem("$.specVersion", "CycloneDX " + (version.isEmpty() ? "without a version"
                        : version) + " is not a version Trustplane validates (1.2–1.7)"));
            }
            iri = CYCLONEDX_BASE + file;
        } else if (document.has("spdxVersion")) {
            String version = document.path("spdxVersion").asText("");
            file = SPDX.get(version);
            if (file == null) {
                return List.of(new Problem("$.spdxVersion", "'" + version + "' is not a version Trustplane validates"
                        + " (SPDX-2.2, SPDX-2.3)"));
            }
            iri = "https://trustplane.dev/schema/" + file;
        } else {
            return List.of(new Problem("$", "has neither bomFormat/specVersion (CycloneDX) nor spdxVersion (SPDX)"));
        }
        Schema schema = LOADED.computeIfAbsent(iri, k -> REGISTRY.getSchema(SchemaLocation.of(k)));
        List<Problem> problems = new ArrayList<>();
        for (Error e : schema.validate(document)) {
            problems.add(new Problem(path(e.getInstanceLocation().toString()), e.getMessage()));
        }
        return problems;
    }

    /** {@code /components/0/type} (a JSON Pointer) → {@code $.components[0].type}. */
    static String path(String pointer) {
        StringBuilder out = new StringBuilder("$");
        if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
            return out.toString();
        }
        for (String token : pointer.substring(pointer.startsWith("/") ? 1 : 0).split("/", -1)) {
            String t = token.replace("~1", "/").replace("~0", "~");
            if (t.matches("[0-9]+")) {
                out.append('[').append(t).append(']');
            } else if (t.matches("[A-Za-z_$][A-Za-z0-9_$-]*")) {
                out.append('.').append(t);
            } else {
                out.append("['").append(t.replace("'", "\\'")).append("']");
            }
        }
        return out.toString();
    }

    /** Throws one error listing every problem of {@code document}, unless it is valid. */
    public static void require(JsonNode document, String name) {
        List<Problem> problems = validate(document, name);
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder("SBOM " + name + " does not follow its schema (" + problems.size()
                + " problem" + (problems.size() == 1 ? "" : "s") + "):");
        problems.stream().limit(50).forEach(p -> m.append("\n  ").append(p));
        if (problems.size() > 50) {
            m.append("\n  … and ").append(problems.size() - 50).append(" more");
        }
        m.append("\nFix the tool that wrote it, or pass --no-validate to read it anyway (packages it names may then be"
                + " missed)");
        throw new TrustplaneException(ErrorKind.INVALID_INPUT, m.toString());
    }

    /** The bundled schema text for {@code iri}, or null (then nothing is loaded: remote fetching is off). */
    private static String bundled(String iri) {
        String file;
        if (iri.startsWith(CYCLONEDX_BASE)) {
            file = iri.substring(CYCLONEDX_BASE.length());
        } else if (iri.startsWith("https://trustplane.dev/schema/")) {
            file = iri.substring("https://trustplane.dev/schema/".length());
        } else {
            return null;
        }
        int hash = file.indexOf('#');
        file = hash < 0 ? file : file.substring(0, hash);
        if (!file.matches("[a-z0-9.-]+\\.json")) {
            return null;
        }
        try (InputStream in = SbomSchemas.class.getResourceAsStream(RESOURCES + file)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
