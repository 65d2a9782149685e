package dev.trustplane.sbom;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fuzz.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SBOMs handed to {@code scan --sbom} (CycloneDX and SPDX JSON from any tool): the first byte
 * chooses whether the official JSON schema is checked first. Refused with a message, or read into
 * packages; nothing else escapes.
 */
public final class SbomFuzzer {
    private SbomFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        try {
            SbomReader.Result r = SbomReader.read(Arrays.copyOfRange(data, 1, data.length), "fuzz.json", null,
                    (data[0] & 1) == 1);
            if (r.format() == null) {
                throw new IllegalStateException("a result without a format");
            }
        } catch (TrustplaneException refused) {
            // refused with a message
        }
    }

    public static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(Fixtures.prefixed(0, Fixtures.resource("/vuln/trivy-bookworm.cdx.json")));
        seeds.add(Fixtures.prefixed(1, Fixtures.resource("/vuln/trivy-bookworm.cdx.json")));
        String spdx = "{\"spdxVersion\":\"SPDX-2.3\",\"dataLicense\":\"CC0-1.0\",\"SPDXID\":\"SPDXRef-DOCUMENT\","
                + "\"name\":\"img\",\"documentNamespace\":\"https://example.org/spdx/1\",\"creationInfo\":{\"created\":"
                + "\"2026-01-01T00:00:00Z\",\"creators\":[\"Tool: trivy\"]},\"packages\":[{\"SPDXID\":\"SPDXRef-bash\","
                + "\"name\":\"bash\",\"versionInfo\":\"5.2.15-2+b2\",\"downloadLocation\":\"NOASSERTION\","
                + "\"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\","
                + "\"referenceLocator\":\"pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12\"}]}]}";
        seeds.add(Fixtures.prefixed(0, spdx.getBytes(StandardCharsets.UTF_8)));
        seeds.add(Fixtures.prefixed(1, spdx.getBytes(StandardCharsets.UTF_8)));
        for (byte[] f : Fixtures.tree("/sbom/cyclonedx-suite/1.6", 40, ".json")) {
            if (f.length < 64 * 1024) {
                seeds.add(Fixtures.prefixed(seeds.size() & 1, f));
            }
        }
        return seeds;
    }

}
