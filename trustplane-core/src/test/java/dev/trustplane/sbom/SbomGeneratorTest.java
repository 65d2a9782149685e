package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.trustplane.debian.Copyright;
import dev.trustplane.oci.Digest;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

/** Our SBOMs against the official CycloneDX 1.6 and SPDX 2.3 JSON schemas. */
class SbomGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SbomSubject SUBJECT = new SbomSubject("base", "runtime",
            Digest.sha256("image"), "amd64", "debian-12", Instant.parse("2026-11-21T00:53:02Z"));
    private static final List<SbomPackage> PACKAGES = List.of(
            new SbomPackage("libc6", "2.36-9+deb12u14", "amd64", "glibc", "2.36-9+deb12u14", "a".repeat(64),
                    "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12",
                    List.of(new Copyright.License("LGPL-2.1+", "LGPL-2.1-or-later"),
                            new Copyright.License("GPL-2+", "GPL-2.0-or-later")), List.of()),
            new SbomPackage("tzdata", "2026f-0+deb12u1", "all", "tzdata", "2026f-0+deb12u1", "b".repeat(64),
                    "pkg:deb/debian/tzdata@2026f-0%2Bdeb12u1?arch=all&distro=debian-12",
                    List.of(new Copyright.License("public-domain", "LicenseRef-public-domain")), List.of()),
            new SbomPackage("mawk", "1:1.3.4-3", "amd64", "mawk", "1:1.3.4-3", "c".repeat(64),
                    "pkg:deb/debian/mawk@1%3A1.3.4-3?arch=amd64&distro=debian-12", List.of(), List.of("libc6")));

    @Test
    void shouldWriteCycloneDxThatValidatesAgainstTheOfficial16Schema() throws Exception {
        byte[] bom = SbomGenerator.cycloneDx(SUBJECT, PACKAGES);
        assertThat(new JsonParser().validate(bom, Version.VERSION_16)).isEmpty();
        JsonNode root = JSON.readTree(bom);
        assertThat(root.at("/metadata/component/type").asText()).isEqualTo("container");
        assertThat(root.at("/components/1/licenses/0/license/id").asText()).isEqualTo("LGPL-2.1-or-later");
        assertThat(root.at("/components/2/licenses/0/license/name").asText()).isEqualTo("public-domain");
        assertThat(root.at("/dependencies/3/ref").asText()).startsWith("pkg:deb/debian/mawk@");
        assertThat(root.at("/dependencies/3/dependsOn/0").asText()).startsWith("pkg:deb/debian/libc6@");
    }

    @Test
    void shouldWriteSpdxThatValidatesAgainstTheOfficial23Schema() throws Exception {
        byte[] doc = SbomGenerator.spdx(SUBJECT, PACKAGES);
        Schema schema;
        try (InputStream in = SbomGeneratorTest.class.getResourceAsStream("/resources/spdx-schema-v2.3.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2019_09).getSchema(in);
        }
        assertThat(schema.validate(JSON.readTree(doc))).isEmpty();
        JsonNode root = JSON.readTree(doc);
        assertThat(root.at("/packages/1/licenseDeclared").asText()).isEqualTo("LGPL-2.1-or-later AND GPL-2.0-or-later");
        assertThat(root.at("/packages/2/licenseDeclared").asText()).isEqualTo("LicenseRef-public-domain");
        assertThat(root.at("/packages/3/licenseDeclared").asText()).isEqualTo("NOASSERTION");
        assertThat(root.at("/hasExtractedLicensingInfos/0/licenseId").asText()).isEqualTo("LicenseRef-public-domain");
        assertThat(root.at("/packages/3/SPDXID").asText()).isEqualTo("SPDXRef-Package-deb-mawk-1-1.3.4-3-amd64");
    }

    @Test
    void shouldBeDeterministic() {
        assertThat(SbomGenerator.cycloneDx(SUBJECT, PACKAGES)).isEqualTo(SbomGenerator.cycloneDx(SUBJECT, PACKAGES));
        assertThat(SbomGenerator.spdx(SUBJECT, PACKAGES)).isEqualTo(SbomGenerator.spdx(SUBJECT, PACKAGES));
    }
}
