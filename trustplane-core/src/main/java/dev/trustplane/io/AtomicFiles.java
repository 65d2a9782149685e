package dev.trustplane.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a file through a synced temporary sibling that is renamed into place only when complete:
 * readers see the old file or the new one, never a torn one, and a failed write leaves nothing.
 * Used by the OCI layout, the package caches, the vulnerability databases and lockfiles.
 */
public final class AtomicFiles {
    /** Prefix of the temporary siblings (garbage collection removes stale ones). */
    public static final String TEMP_PREFIX = ".tmp-";

    /** Writes a file's content; the stream it gets must not be closed by it. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Removes a directory tree of Trustplane's own (a temporary layout, a half-made one), deepest
     * entries first; best effort: what cannot be removed stays and is not an error.
     */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: left for the next clean-up
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    /**
     * Syncs a large file's data while it is still being written: every {@link #EVERY} bytes a
     * data sync runs on a virtual thread (one at a time) while the writer goes on, so the disk
     * writes overlap the download or compression producing the data, and the final sync before the
     * rename only has the tail left. Durability is unchanged: the rename still follows a full sync.
     */
    private static final class Writeback {
        static final long EVERY = 8L << 20;
        private final FileChannel channel;
        private long unsynced;
        private Thread running;
        private volatile IOException failure;

        Writeback(FileChannel channel) {
            this.channel = channel;
        }

        /** Counts {@code n} more bytes; true when a sync should start now. */
        boolean written(int n) {
            unsynced += n;
            return unsynced >= EVERY && (running == null || !running.isAlive());
        }

        void start() throws IOException {
            rethrow();
            unsynced = 0;
            running = Thread.ofVirtual().start(() -> {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    failure = e;
                }
            });
        }

        void await() throws IOException {
            if (running != null) {
                try {
                    running.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while syncing " + e.getMessage());
                }
            }
            rethrow();
        }

        private void rethrow() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /**
     * Copies {@code content} to {@code target}. A stream that throws (for instance a digest
     * mismatch at its end) leaves nothing behind.
     */
    public static void writeVerified(Path target, InputStream content) throws IOException {
        try (InputStream in = content) {
            write(target, in::transferTo);
        }
    }

    /** Writes a secret (a private key, credentials): the file is created with mode 0600, never wider. */
    public static void writePrivate(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content), true);
    }

    /** Runs {@code writer} on a temporary sibling, syncs it and renames it to {@code target}. */
    public static void write(Path target, Writer writer) throws IOException {
        write(target, writer, false);
    }

    private static void write(Path target, Writer writer, boolean ownerOnly) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        boolean done = false;
        try {
            FileAttribute<?>[] attrs = ownerOnly && temp.getFileSystem()
                    .supportedFileAttributeViews().contains("posix")
                    ? new FileAttribute<?>[] {PosixFilePermissions
                            .asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), attrs)) {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                Writeback writeback = new Writeback(channel);
                writer.write(new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        if (writeback.written(len)) {
                            out.flush();
                            writeback.start();
                        }
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                buffered.flush();
                writeback.await();
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
