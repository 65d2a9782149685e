package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DebianVersionTest {

    @ParameterizedTest
    @CsvSource({
            "1.0, 1.0, 0", "1.0, 1.1, -1", "1.0~rc1, 1.0, -1", "1.0, 1.0+deb12u1, -1", "1:0.1, 2.0, 1",
            "2.36-9+deb12u4, 2.36-9+deb12u14, -1", "1.0a, 1.0, 1", "1.0-1, 1.0-1~bpo1, 1", "3.0.11-1~deb12u2, 3.0.11-1, -1",
            "1.2.3, 1.2.03, 0", "0:1.0, 1.0, 0", "1.0-0, 1.0, 0", "1.0~~, 1.0~, -1", "1.0+, 1.0., -1"})
    void shouldOrderLikeDpkg(String a, String b, int expected) {
        assertThat(Integer.signum(DebianVersion.parse(a).compareTo(DebianVersion.parse(b)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'', it is empty", "a1.0, the upstream version must start with a digit",
            "x:1.0, the epoch before ':' must be a number", "1.0-, the revision after the last '-' is empty"})
    void shouldRefuseMalformedVersionsWithTheReason(String text, String why) {
        assertThatThrownBy(() -> DebianVersion.parse(text))
                .hasMessage("Invalid Debian version '" + text + "': " + why + " (expected [epoch:]upstream[-revision])");
    }

    /** apt's published vectors (resources/debian/apt-versions.lst), lines of {@code VER1 VER2 RESULT [# note]}. */
    static List<String[]> aptVectors() throws IOException {
        List<String[]> out = new ArrayList<>();
        try (var in = DebianVersionTest.class.getResourceAsStream("/debian/apt-versions.lst")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String data = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
                String[] f = data.strip().split("\\s+");
                if (f.length == 3) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    @Test
    void shouldAgreeWithAptsPublishedComparisonVectors() throws IOException {
        List<String[]> vectors = aptVectors();
        assertThat(vectors).hasSizeGreaterThan(60);
        List<String> wrong = new ArrayList<>();
        for (String[] v : vectors) {
            int expected = Integer.parseInt(v[2]);
            int ours = Integer.signum(DebianVersion.parse(v[0]).compareTo(DebianVersion.parse(v[1])));
            int reverse = Integer.signum(DebianVersion.parse(v[1]).compareTo(DebianVersion.parse(v[0])));
            if (ours != expected || reverse != -expected) {
                wrong.add(v[0] + " vs " + v[1] + ": apt says " + expected + ", we say " + ours);
            }
        }
        assertThat(wrong).isEmpty();
    }
}
