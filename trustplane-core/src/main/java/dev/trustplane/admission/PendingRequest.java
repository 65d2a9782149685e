package dev.trustplane.admission;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One request's entries: queued, then taken by the writer or withdrawn by the waiting request. */
final class PendingRequest {
    static final int QUEUED = 0;
    static final int TAKEN = 1;
    static final int WITHDRAWN = 2;
    final List<LedgerEntry> entries;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    final CountDownLatch done = new CountDownLatch(1);
    volatile boolean stored;

    PendingRequest(List<LedgerEntry> entries) {
        this.entries = entries;
    }

    boolean await(long nanos) {
        try {
            return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void settle(boolean ok) {
        stored = ok;
        done.countDown();
    }
}
