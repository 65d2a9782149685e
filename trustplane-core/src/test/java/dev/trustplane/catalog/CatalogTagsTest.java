package dev.trustplane.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.vuln.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogTagsTest {
    private static final Instant DAY = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void shouldGiveTheFloatingDatedAndLatestTags() {
        assertThat(CatalogTags.tags("bookworm", "runtime", true, DAY, t -> false))
                .containsExactly("12", "12-20261206", "latest");
        assertThat(CatalogTags.tags("trixie", "dev", false, DAY, t -> false)).containsExactly("13-dev",
                "13-20261206-dev");
        assertThat(CatalogTags.tags("sid", "runtime", false, DAY, t -> false)).containsExactly("sid",
                "sid-20261206");
    }

    @Test
    void shouldNeverMoveADatedTag() {
        Set<String> taken = Set.of("12-20261206", "12-20261206.2", "12-20261206-dev");
        assertThat(CatalogTags.tags("bookworm", "runtime", false, DAY, taken::contains)).element(1)
                .isEqualTo("12-20261206.3");
        assertThat(CatalogTags.tags("bookworm", "dev", false, DAY, taken::contains)).element(1)
                .isEqualTo("12-20261206.2-dev");
    }

    @Test
    void shouldParseSlasOverTheDefaults() {
        Map<Severity, Duration> sla = PatchTimeline.parseSla("high=48h, medium=30d");
        assertThat(sla).containsEntry(Severity.CRITICAL, Duration.ofHours(24)).containsEntry(Severity.HIGH,
                Duration.ofHours(48)).containsEntry(Severity.MEDIUM, Duration.ofDays(30));
        assertThatThrownBy(() -> PatchTimeline.parseSla("high=soon")).isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("critical=24h,high=7d");
        assertThatThrownBy(() -> PatchTimeline.parseSla("urgent=1d")).isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("Unknown severity");
    }

    @Test
    void shouldMeasureTimeToPatchAndListMisses() {
        Instant appeared = Instant.parse("2026-12-01T00:00:00Z");
        List<CatalogStore.Fix> fixes = List.of(
                fix("CVE-1", "HIGH", appeared, appeared.plus(Duration.ofDays(2))),
                fix("CVE-2", "HIGH", appeared, appeared.plus(Duration.ofDays(9))),
                fix("CVE-3", "LOW", null, appeared));
        PatchTimeline timeline = PatchTimeline.of(fixes, PatchTimeline.DEFAULT_SLA);
        assertThat(timeline.misses()).extracting(PatchTimeline.Row::cve).containsExactly("CVE-2");
        assertThat(timeline.rows().get(2).timeToPatch()).isNull();
        assertThat(timeline.rows().get(2).withinSla()).isNull();
        PatchTimeline.Summary high = timeline.summary().get(0);
        assertThat(high.severity()).isEqualTo(Severity.HIGH);
        assertThat(high.misses()).isEqualTo(1);
        assertThat(high.worst()).isEqualTo(Duration.ofDays(9));
        assertThat(PatchTimeline.human(Duration.ofMinutes(200))).isEqualTo("3h 20m");
        assertThat(PatchTimeline.human(Duration.ofDays(9))).isEqualTo("9d 0h");
    }

    private static CatalogStore.Fix fix(String cve, String severity, Instant appeared, Instant published) {
        return new CatalogStore.Fix("p", "app", "runtime", "sha256:" + "a".repeat(64), null, cve, severity, "openssl",
                "3.0.2-1", "3.0.1-1", appeared, false, published);
    }
}
