package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The official CycloneDX test suite (resources/sbom/cyclonedx-suite, from CycloneDX/specification's
 * tools/src/test/resources; see the README there): every document it marks valid is read, every one
 * it marks invalid is refused with its problems named — none is read as "0 packages".
 */
class SbomSchemasTest {

    static Path suite() throws URISyntaxException {
        return Path.of(SbomSchemasTest.class.getResource("/sbom/cyclonedx-suite").toURI());
    }

    @Test
    void shouldAgreeWithTheOfficialCycloneDxSuiteOnEveryDocument() throws Exception {
        List<String> wrong = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        try (Stream<Path> files = Files.walk(suite())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                String name = suite().relativize(f).toString();
                JsonNode doc = Json.mapper().readTree(Files.readAllBytes(f));
                List<SbomSchemas.Problem> problems = SbomSchemas.validate(doc, name);
                if (f.getFileName().toString().startsWith("valid-")) {
                    valid++;
                    if (!problems.isEmpty()) {
                        wrong.add(name + " is valid but: " + problems);
                    }
                } else if (f.getFileName().toString().startsWith("invalid-")) {
                    invalid++;
                    if (problems.isEmpty()) {
                        wrong.add(name + " is invalid but passed");
                    }
                }
            }
        }
        System.out.printf("CycloneDX suite: %d valid and %d invalid documents, %d disagreements%n", valid, invalid,
                wrong.size());
        assertThat(valid).isGreaterThan(200);
        assertThat(invalid).isGreaterThan(100);
        assertThat(wrong).isEmpty();
    }

    @Test
    void shouldRefuseAnInvalidSbomWithEveryProblemNamedUnlessToldNotToValidate() throws IOException, URISyntaxException {
        byte[] bad = Files.readAllBytes(suite().resolve("1.6/invalid-component-type-1.6.json"));
        assertThatThrownBy(() -> SbomReader.read(bad, "bad.cdx.json", null))
                .isInstanceOfSatisfying(TrustplaneException.class, e -> assertThat(e.kind())
                        .isEqualTo(ErrorKind.INVALID_INPUT))
                .hasMessageStartingWith("SBOM bad.cdx.json does not follow its schema (")
                .hasMessageContaining("$.components[0].type")
                .hasMessageEndingWith("Fix the tool that wrote it, or pass --no-validate to read it anyway (packages"
                        + " it names may then be missed)");
        assertThat(SbomReader.read(bad, "bad.cdx.json", null, false).format()).isEqualTo("CycloneDX 1.6");
    }

    @Test
    void shouldNameAVersionItCannotValidate() {
        JsonNode doc = Json.mapper().createObjectNode().put("bomFormat", "CycloneDX").put("specVersion", "1.1");
        assertThat(SbomSchemas.validate(doc, "old.json")).extracting(Object::toString).containsExactly(
                "$.specVersion: CycloneDX 1.1 is not a version Trustplane validates (1.2–1.7)");
        JsonNode spdx = Json.mapper().createObjectNode().put("spdxVersion", "SPDX-2.1");
        assertThat(SbomSchemas.validate(spdx, "old.spdx.json")).extracting(Object::toString).containsExactly(
                "$.spdxVersion: 'SPDX-2.1' is not a version Trustplane validates (SPDX-2.2, SPDX-2.3)");
    }

    @Test
    void shouldValidateSpdx23AndNameWhatIsMissing() throws IOException {
        String minimal = """
                {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "x",
                 "documentNamespace": "https://example.org/x", "creationInfo": {"created": "2026-01-01T00:00:00Z",
                 "creators": ["Tool: test"]}, "packages": [{"SPDXID": "SPDXRef-p", "name": "libc6",
                 "downloadLocation": "NOASSERTION"}]}""";
        assertThat(SbomSchemas.validate(Json.mapper().readTree(minimal), "ok.spdx.json")).isEmpty();
        String broken = minimal.replace("\"SPDXID\": \"SPDXRef-p\", ", "");
        assertThat(SbomSchemas.validate(Json.mapper().readTree(broken.getBytes(StandardCharsets.UTF_8)), "b.json"))
                .extracting(SbomSchemas.Problem::path).containsExactly("$.packages[0]");
    }
}
