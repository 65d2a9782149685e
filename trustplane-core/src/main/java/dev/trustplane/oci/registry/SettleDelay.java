package dev.trustplane.oci.registry;

import java.util.HashMap;
import java.util.Map;
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

    /** How long the longest read-modify-write of a tag is remembered. */
    private static final long RECENT_NANOS = 10_000_000_000L;
    /** Tag → {longest read-modify-write in nanoseconds, when it was seen}. */
    private static final Map<String, long[]> LONGEST = new HashMap<>();

    /**
     * Sleeps for {@link #millis}; an interrupt ends the pause early and stays set. The window is
     * our own read-modify-write of {@code tag}, or the longest one a writer in this process took on
     * the same tag in the last 10 s if that was longer, up to four times ours: on a loaded registry
     * a concurrent writer's window can be twice ours. Writers in this process take turns on a tag
     * ({@link TagLocks}), so those earlier windows are the tag's recent history on this registry,
     * a hint of how long writers elsewhere take. A lone writer only ever sees its own windows; the
     * cap keeps one stalled write from slowing later ones.
     */
    public static void pause(String tag, int attempt, long readWriteNanos) {
        long window = Math.max(readWriteNanos, Math.min(longest(tag, readWriteNanos), 4 * readWriteNanos));
        try {
            Thread.sleep(millis(attempt, window));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized long longest(String tag, long readWriteNanos) {
        long now = System.nanoTime();
        if (LONGEST.size() > 1_000) {
            LONGEST.values().removeIf(seen -> now - seen[1] > RECENT_NANOS);
        }
        long[] seen = LONGEST.computeIfAbsent(tag, t -> new long[] {0, now});
        if (now - seen[1] > RECENT_NANOS || readWriteNanos >= seen[0]) {
            seen[0] = readWriteNanos;
            seen[1] = now;
        }
        return seen[0];
    }
}
