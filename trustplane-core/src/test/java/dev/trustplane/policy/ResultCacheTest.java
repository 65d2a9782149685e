package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResultCacheTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void shouldComputeOnceForConcurrentCallers() throws Exception {
        ResultCache<String> cache = new ResultCache<>(Duration.ofMinutes(1), Duration.ofSeconds(1), 100, now::get);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(pool.submit(() -> cache.get("k", () -> {
                loads.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return "v";
            }, v -> true)));
        }
        while (cache.coalesced() + cache.misses() < 20) {
            Thread.sleep(5);
        }
        release.countDown();
        for (Future<String> f : futures) {
            assertThat(f.get()).isEqualTo("v");
        }

        assertThat(loads).hasValue(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.coalesced()).isEqualTo(19);
    }

    @Test
    void shouldExpirePositiveAndNegativeResultsAtTheirOwnTtl() {
        ResultCache<Boolean> cache = new ResultCache<>(Duration.ofMinutes(5), Duration.ofSeconds(10), 100, now::get);
        AtomicInteger loads = new AtomicInteger();

        cache.get("good", () -> { loads.incrementAndGet(); return true; }, v -> v);
        cache.get("bad", () -> { loads.incrementAndGet(); return false; }, v -> v);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        cache.get("good", () -> { loads.incrementAndGet(); return true; }, v -> v);
        cache.get("bad", () -> { loads.incrementAndGet(); return false; }, v -> v);

        assertThat(loads).hasValue(3);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void shouldNotCacheFailuresAndStayBounded() {
        ResultCache<String> cache = new ResultCache<>(Duration.ofMinutes(5), Duration.ofSeconds(10), 10, now::get);

        assertThatThrownBy(() -> cache.get("x", () -> { throw new IllegalStateException("registry down"); }, v -> true))
                .hasMessageContaining("registry down");
        assertThat(cache.get("x", () -> "up", v -> true)).isEqualTo("up");
        for (int i = 0; i < 50; i++) {
            cache.get("k" + i, () -> "v", v -> true);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(10);
    }
}
