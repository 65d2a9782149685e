package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.oci.InflatedBlob;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every package-detection test again, against the packaged multi-release JAR: on JDK 22+ gzip
 * layers in a layout are decompressed whole by libdeflate ({@link InflatedBlob}), where the unit
 * tests (run on the class directory, which is not a multi-release JAR) stream them.
 */
class PackageDetectorIT extends PackageDetectorTest {
    @BeforeAll
    static void libdeflateIsInUse() {
        assertThat(InflatedBlob.unavailableReason()).as("why libdeflate is not used (scripts/install-peers installs it)")
                .isNull();
    }
}
