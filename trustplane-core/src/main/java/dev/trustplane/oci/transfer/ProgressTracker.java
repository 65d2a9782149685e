package dev.trustplane.oci.transfer;

import dev.trustplane.event.Event;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.VerifyingInputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps blob streams to report bytes moved as {@link Event.Progress} events, at most every 100 ms per blob. */
final class ProgressTracker {
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final EventListener listener;
    private final AtomicLong bytes = new AtomicLong();

    ProgressTracker(EventListener listener) {
        this.listener = listener;
    }

    long bytes() {
        return bytes.get();
    }

    /** Reports a blob moved without a stream to count (file uploads). */
    void completed(Descriptor blob) {
        bytes.addAndGet(blob.size());
        listener.on(new Event.Progress(blob.digest().toString(), blob.digest().shortForm(), blob.size(), blob.size(),
                true));
    }

    /** Counts the bytes of a verifying stream without wrapping it again. */
    VerifyingInputStream track(Descriptor blob, VerifyingInputStream in) {
        String task = blob.digest().toString();
        String label = blob.digest().shortForm();
        listener.on(new Event.Progress(task, label, 0, blob.size(), false));
        long[] state = {0, System.nanoTime()};
        return in.onRead(n -> {
            state[0] += n;
            bytes.addAndGet(n);
            long now = System.nanoTime();
            if (state[0] == blob.size() || now - state[1] >= INTERVAL_NANOS) {
                state[1] = now;
                listener.on(new Event.Progress(task, label, state[0], blob.size(), state[0] == blob.size()));
            }
        });
    }
}
