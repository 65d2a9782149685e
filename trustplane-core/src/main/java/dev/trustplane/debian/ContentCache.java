package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A content-addressed file cache ({@code ROOT/sha256/<hex>}) for archive indices and packages.
 * Entries are written through a temporary file and only renamed into place once their SHA256 and
 * size matched; on use they are checked again, and an entry that no longer matches is discarded.
 */
public final class ContentCache {
    private final Path root;
    private final EventListener listener;

    public ContentCache(Path root, EventListener listener) {
        this.root = root;
        this.listener = listener;
    }

    public Path root() {
        return root;
    }

    Path path(String sha256) {
        return root.resolve("sha256").resolve(sha256);
    }

    /** The cached file when present and still matching, after re-hashing it. */
    public Optional<Path> get(String sha256, long size) {
        Path file = path(sha256);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = new VerifyingInputStream(Files.newInputStream(file),
                new Digest(Digest.Algorithm.SHA256, sha256), size, "cache entry " + file)) {
            in.transferTo(OutputStream.nullOutputStream());
            return Optional.of(file);
        } catch (TrustplaneException | IOException e) {
            listener.warn("Discarding cache entry " + file + ": its content no longer matches sha256:" + sha256);
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a later put replaces it
            }
            return Optional.empty();
        }
    }

    /** Stores {@code content} when its SHA256 and size match; a mismatch leaves nothing behind. */
    public Path put(String sha256, long size, InputStream content, String source) {
        Path target = path(sha256);
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.writeVerified(target, new VerifyingInputStream(content,
                    new Digest(Digest.Algorithm.SHA256, sha256), size, source));
            return target;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write cache entry " + target + ": " + e, e);
        }
    }
}
