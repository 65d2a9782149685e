package dev.trustplane.oci.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per registry tag for the read-modify-writes of tags that several writers extend (a
 * cosign {@code .sig}/{@code .att} manifest, a referrers fallback index). The distribution API
 * has no compare-and-swap, so writers in different processes can only detect a lost update by
 * reading the tag back after a {@link SettleDelay}; writers in this process — several signers, a
 * build signing its platforms, the server attaching evidence — take turns instead, so none of
 * them can overwrite another's write however the machine schedules them. A lock lives only while
 * someone holds or waits for it, so the map stays as small as the number of tags being written.
 */
public final class TagLocks {
    private static final Map<String, Held> LOCKS = new ConcurrentHashMap<>();

    private static final class Held {
        final ReentrantLock lock = new ReentrantLock();
        /** Threads holding or waiting for the lock; changed only inside the map's compute functions. */
        int users;
    }

    private TagLocks() {
    }

    /** Runs {@code action} while no other thread of this process runs an action for {@code tag}. */
    public static <T> T locked(String tag, Supplier<T> action) {
        Held held = LOCKS.compute(tag, (k, h) -> {
            Held in = h == null ? new Held() : h;
            in.users++;
            return in;
        });
        held.lock.lock();
        try {
            return action.get();
        } finally {
            held.lock.unlock();
            LOCKS.computeIfPresent(tag, (k, h) -> --h.users == 0 ? null : h);
        }
    }

    /** Tags with a lock held or waited for (for tests). */
    static int size() {
        return LOCKS.size();
    }
}
