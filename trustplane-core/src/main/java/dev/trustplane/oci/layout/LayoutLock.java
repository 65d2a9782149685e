package dev.trustplane.oci.layout;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises writers of one layout, across threads (a reentrant lock per directory) and across
 * processes (an OS lock on the {@code oci-layout} file, which is never replaced, so the layout
 * gains no extra file).
 */
final class LayoutLock {
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private LayoutLock() {
    }

    static <T> T locked(Path root, Supplier<T> action) {
        ReentrantLock lock = LOCKS.computeIfAbsent(root, p -> new ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return action.get();
            }
            Path marker = root.resolve(OciLayout.LAYOUT_FILE);
            try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return action.get();
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot lock the OCI layout " + root + " for writing: "
                        + e.getMessage() + "; check that the directory is writable", e);
            }
        } finally {
            lock.unlock();
        }
    }
}
