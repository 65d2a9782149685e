package dev.trustplane.oci.registry;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The pause between writing a tag that others may write at the same time (a referrers fallback
 * index, a cosign {@code .sig}/{@code .att} manifest) and reading it back to see whether the write
 * stuck. The distribution API has no compare-and-swap, so a concurrent writer that read the tag
 * before our write can still replace it afterwards; it does so within about one read-modify-write
 * of its own, from its read to the end of its write. The pause is therefore one whole
 * read-modify-write of our own — measured from our read, not just our write, which once proved
 * too short on a loaded machine — plus up to one more as jitter so that retrying writers spread
 * out, growing with each attempt, and bounded so a stalled registry does not stall the caller for long.
 */
public final class SettleDelay {
    private static final long MIN_MILLIS = 3;
    private static final long MAX_MILLIS = 1_500;

    private SettleDelay() {
    }

    private static synchronized long recentLongest(long readWriteNanos) {
        long now = System.nanoTime();
        if (now - longestAt > RECENT_NANOS || readWriteNanos >= longestNanos) {
            longestNanos = readWriteNanos;
            longestAt = now;
        }
        return longestNanos;
    }

    /** The pause in milliseconds after attempt {@code attempt} whose read and write took {@code readWriteNanos}. */
    public static long millis(int attempt, long readWriteNanos) {
        long window = Math.max(MIN_MILLIS, readWriteNanos / 1_000_000);
        long jitter = ThreadLocalRandom.current().nextLong(window * attempt + 1);
        return Math.min(MAX_MILLIS, window * attempt + jitter);
    }

    /** How long the longest read-modify-write seen in this process is remembered. */
    private static final long RECENT_NANOS = 10_000_000_000L;
    private static long longestNanos;
    private static long longestAt;

    /**
     * Sleeps for {@link #millis}; an interrupt ends the pause early and stays set. The window is
     * our own read-modify-write, or the longest one any writer in this process took in the last
     * 10 s if that was longer, up to four times ours: on a loaded registry another writer's
     * window can be twice ours, and that writer is often in this process (signing both formats,
     * signing several images). The cap keeps one stalled write from slowing every later one.
     */
    public static void pause(int attempt, long readWriteNanos) {
        long window = Math.max(readWriteNanos, Math.min(recentLongest(readWriteNanos), 4 * readWriteNanos));
        try {
            Thread.sleep(millis(attempt, window));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
