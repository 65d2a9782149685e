package dev.trustplane.oci.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Writes a file through a synced temporary sibling that is renamed into place only when complete. */
final class AtomicFiles {
    static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        writeVerified(target, new java.io.ByteArrayInputStream(content));
    }

    /**
     * Copies {@code content} to a temporary file, syncs it, and renames it to {@code target}. A
     * stream that throws (for instance a digest mismatch) leaves nothing behind.
     */
    static void writeVerified(Path target, InputStream content) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel);
                 InputStream in = content) {
                in.transferTo(out);
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
