package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PurlsTest {
    @Test
    void shouldPercentEncodeEpochsPlusSignsAndNonAsciiInTheVersion() {
        assertThat(Purls.deb("debian", "libssl3", "3.0.15-1~deb12u1", "amd64", "debian-12"))
                .isEqualTo("pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12");
        assertThat(Purls.deb("debian", "bash", "1:5.2+dfsg-2", "amd64"))
                .isEqualTo("pkg:deb/debian/bash@1%3A5.2%2Bdfsg-2?arch=amd64");
        assertThat(Purls.encode("1.0 é/x")).isEqualTo("1.0%20%C3%A9%2Fx");
        assertThat(Purls.deb("debian", "tzdata", "2024a-0+deb12u1", null)).isEqualTo("pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1");
    }
}
