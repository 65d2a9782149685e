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

    /** The pause in milliseconds after attempt {@code attempt} whose read and write took {@code readWriteNanos}. */
    public static long millis(int attempt, long readWriteNanos) {
        long window = Math.max(MIN_MILLIS, readWriteNanos / 1_000_000);
        long jitter = ThreadLocalRandom.current().nextLong(window * attempt + 1);
        return Math.min(MAX_MILLIS, window * attempt + jitter);
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
