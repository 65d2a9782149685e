package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettleDelayTest {

    @Test
    void shouldWaitOneToTwoOfOwnWindowsAndGrowPerAttempt() {
        long window = 20_000_000L;
        for (int i = 0; i < 200; i++) {
            assertThat(SettleDelay.millis(1, window)).isBetween(20L, 40L);
            assertThat(SettleDelay.millis(3, window)).isBetween(60L, 120L);
        }
    }

    @Test
    void shouldKeepAFloorForInstantWritesAndACeilingForStalledOnes() {
        assertThat(SettleDelay.millis(1, 0)).isGreaterThanOrEqualTo(3L);
        assertThat(SettleDelay.millis(10, 60_000_000_000L)).isEqualTo(1_500L);
    }
}
