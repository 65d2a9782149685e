package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
