package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TagLocksTest {

    @Test
    void shouldLetOneWriterAtATimeRunForATag() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                running.add(pool.submit(() -> {
                    for (int n = 0; n < 200; n++) {
                        TagLocks.locked("r/app:sha256-a.sig", () -> {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                            return null;
                        });
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(most).hasValue(1);
        assertThat(TagLocks.size()).as("no lock left behind once nobody writes").isZero();
    }

    @Test
    void shouldNotMakeWritersOfDifferentTagsWait() throws Exception {
        CountDownLatch otherRan = new CountDownLatch(1);
        Thread other = Thread.ofPlatform().unstarted(() -> TagLocks.locked("r/app:sha256-b.sig", () -> {
            otherRan.countDown();
            return null;
        }));

        boolean ran = TagLocks.locked("r/app:sha256-a.sig", () -> {
            other.start();
            try {
                return otherRan.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        other.join();

        assertThat(ran).as("a writer of another tag ran while this one was held").isTrue();
    }
}
