package dev.trustplane.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ecosystem version orders OSV ranges need, on the orderings their specifications list. */
class VersionOrdersTest {

    private static void assertStrictlyAscending(Comparator<String> order, List<String> versions) {
        for (int i = 0; i < versions.size(); i++) {
            for (int j = 0; j < versions.size(); j++) {
                int expected = Integer.signum(Integer.compare(i, j));
                assertThat(Integer.signum(order.compare(versions.get(i), versions.get(j))))
                        .as(versions.get(i) + " vs " + versions.get(j)).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldOrderMavenQualifiersAsMavenDoes() {
        assertStrictlyAscending(MavenVersion.ORDER, List.of("1-alpha2snapshot", "1-alpha2", "1-alpha-123",
                "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp",
                "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123"));
    }

    @Test
    void shouldTreatMavenReleaseSpellingsAndTrailingZerosAsEqual() {
        for (String same : List.of("1.0", "1.0.0", "1-ga", "1.0-final", "1.0.RELEASE", "1-0")) {
            assertThat(MavenVersion.ORDER.compare("1", same)).as(same).isZero();
        }
        assertThat(MavenVersion.ORDER.compare("1.0-rc1", "1.0-cr1")).isZero();
        assertThat(MavenVersion.ORDER.compare("2.15.0", "2.16.0")).isNegative();
        assertThat(MavenVersion.ORDER.compare("2.12.7.1", "2.12.7")).isPositive();
        assertThat(MavenVersion.ORDER.compare("2.10.0", "2.9.10.8")).isPositive();
    }

    @Test
    void shouldOrderPyPiVersionsAsPep440Lists() {
        assertStrictlyAscending(Pep440.ORDER, List.of("1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456",
                "1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1",
                "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1"));
        assertThat(Pep440.ORDER.compare("1.0", "1.0.0")).isZero();
        assertThat(Pep440.ORDER.compare("1!0.1", "2.0")).isPositive();
        assertThat(Pep440.ORDER.compare("2.32.0", "2.31.0")).isPositive();
    }
}
