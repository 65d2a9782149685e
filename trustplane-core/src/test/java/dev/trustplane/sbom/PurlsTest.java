package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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

    @Test
    void shouldNameTheSourcePackageAsUpstreamWhenItDiffers() {
        assertThat(Purls.deb("debian", "libc6", "2.36-9+deb12u3", "amd64", "debian-12", "glibc", "2.36-9+deb12u3"))
                .isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u3?arch=amd64&distro=debian-12&upstream=glibc");
        assertThat(Purls.deb("debian", "libgcc-s1", "12.2.0-14", "amd64", "debian-12", "gcc-12", "12.2.0-14+b1"))
                .isEqualTo("pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12"
                        + "&upstream=gcc-12%4012.2.0-14%2Bb1");
        assertThat(Purls.deb("debian", "bash", "5.2.15-2+b7", "amd64", "debian-12", "bash", "5.2.15-2"))
                .isEqualTo("pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2");
        assertThat(Purls.deb("debian", "tzdata", "2024a-0+deb12u1", "all", "debian-12", "tzdata", "2024a-0+deb12u1"))
                .isEqualTo("pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12");
        // and the reader takes the source back from it (syft's spelling)
        ScannedPackage p = SbomReader.read(("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\":"
                + " [{\"type\": \"library\", \"name\": \"libgcc-s1\", \"version\": \"12.2.0-14\", \"purl\": \""
                + Purls.deb("debian", "libgcc-s1", "12.2.0-14", "amd64", "debian-12", "gcc-12", "12.2.0-14+b1")
                + "\"}]}").getBytes(StandardCharsets.UTF_8), "s.json", null).packages().get(0);
        assertThat(p.source() + " " + p.sourceVersion() + " " + p.release()).isEqualTo("gcc-12 12.2.0-14+b1 bookworm");
    }
}
