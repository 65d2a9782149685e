package dev.trustplane.policy;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A time-bounded cache with single flight: concurrent callers asking for the same key while it
 * is being computed wait for that one computation instead of starting their own. A positive
 * result lives {@code ttl}; a negative one {@code negativeTtl} (short, so a user who signs an
 * image after a rejection is not locked out for long); a computation that throws is not cached.
 * Bounded: above {@code maxEntries} the expired entries and then those closest to expiry are
 * dropped, down to 90 % of it.
 */
public final class ResultCache<V> {
    private final Duration ttl;
    private final Duration negativeTtl;
    private final int maxEntries;
    private final LongSupplier nanos;
    private final Map<String, Slot<V>> slots = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();

    private static final class Slot<V> {
        final CompletableFuture<V> value = new CompletableFuture<>();
        volatile long expiresAt = Long.MAX_VALUE;
    }

    public ResultCache(Duration ttl, Duration negativeTtl, int maxEntries, LongSupplier nanos) {
        this.ttl = ttl;
        this.negativeTtl = negativeTtl;
        this.maxEntries = maxEntries;
        this.nanos = nanos;
    }

    public ResultCache(Duration ttl, Duration negativeTtl, int maxEntries) {
        this(ttl, negativeTtl, maxEntries, System::nanoTime);
    }

    /**
     * The cached value for {@code key}, or the one {@code load} computes (once, however many
     * callers ask at the same time); {@code positive} says which results get the long TTL.
     */
    public V get(String key, Supplier<V> load, Predicate<V> positive) {
        while (true) {
            Slot<V> slot = slots.get(key);
            if (slot != null && slot.value.isDone() && nanos.getAsLong() - slot.expiresAt > 0) {
                slots.remove(key, slot);
                continue;
            }
            if (slot == null) {
                Slot<V> mine = new Slot<>();
                Slot<V> earlier = slots.putIfAbsent(key, mine);
                if (earlier == null) {
                    misses.incrementAndGet();
                    return compute(key, mine, load, positive);
                }
                slot = earlier;
            }
            if (slot.value.isDone()) {
                hits.incrementAndGet();
            } else {
                coalesced.incrementAndGet();
            }
            try {
                return slot.value.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
    }

    private V compute(String key, Slot<V> slot, Supplier<V> load, Predicate<V> positive) {
        V value;
        try {
            value = load.get();
        } catch (RuntimeException | Error e) {
            slots.remove(key, slot);
            slot.value.completeExceptionally(e);
            throw e;
        }
        Duration life = positive.test(value) ? ttl : negativeTtl;
        slot.expiresAt = nanos.getAsLong() + life.toNanos();
        slot.value.complete(value);
        if (life.isZero()) {
            slots.remove(key, slot);
        }
        if (slots.size() > maxEntries) {
            evict();
        }
        return value;
    }

    private void evict() {
        long now = nanos.getAsLong();
        slots.entrySet().removeIf(e -> e.getValue().value.isDone() && now - e.getValue().expiresAt > 0);
        // Down to 90 %: a full cache would otherwise sort every entry on every new result.
        int excess = slots.size() - maxEntries * 9 / 10;
        if (excess > 0) {
            slots.entrySet().stream().filter(e -> e.getValue().value.isDone())
                    .sorted(Comparator.comparingLong(e -> e.getValue().expiresAt)).limit(excess)
                    .map(Map.Entry::getKey).toList().forEach(slots::remove);
        }
    }

    /** Answers served from a finished computation. */
    public long hits() {
        return hits.get();
    }

    /** Computations started. */
    public long misses() {
        return misses.get();
    }

    /** Callers that waited for a computation another caller had started (single flight). */
    public long coalesced() {
        return coalesced.get();
    }

    public int size() {
        return slots.size();
    }
}
