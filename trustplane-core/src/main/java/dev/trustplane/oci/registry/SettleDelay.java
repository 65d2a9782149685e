package dev.trustplane.oci.registry;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The pause between writing a tag that others may write at the same time (a referrers fallback
 * index, a cosign {@code .sig}/{@code .att} manifest) and reading it back to see whether the write
 * stuck. The distribution API has no compare-and-swap, so a concurrent writer that read the tag
 * before our write can still replace it afterwards; it does so within about one read-modify-write
 * of its own. The pause is therefore three times our own read-modify-write (a loaded machine
 * slows every writer alike), growing with each attempt, with jitter so that retrying writers
 * spread out, and bounded so a stalled registry does not stall the caller for long.
 */
public final class SettleDelay {
    private static final long MIN_MILLIS = 3;
    private static final long MAX_MILLIS = 1_500;

    private SettleDelay() {
    }

    /** The pause in milliseconds after attempt {@code attempt} whose read and write took {@code readWriteNanos}. */
    public static long millis(int attempt, long readWriteNanos) {
        long window = Math.max(MIN_MILLIS, readWriteNanos / 1_000_000);
        long jitter = ThreadLocalRandom.current().nextLong(window * attempt + 1);
        return Math.min(MAX_MILLIS, 3 * window * attempt + jitter);
    }

    /** Sleeps for {@link #millis}; an interrupt ends the pause early and stays set. */
    public static void pause(int attempt, long readWriteNanos) {
        try {
            Thread.sleep(millis(attempt, readWriteNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
