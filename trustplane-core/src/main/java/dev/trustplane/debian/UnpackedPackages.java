package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.VerifyingInputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;

/**
 * Keeps each package a second time, decompressed (an ar archive with plain {@code control.tar}
 * and {@code data.tar}), so a warm build skips xz decoding — the slowest part of unpacking. An
 * entry is named after the {@code .deb}'s SHA256 and carries its own SHA256 in a sidecar file;
 * it is re-hashed before each use and discarded when it no longer matches.
 */
public final class UnpackedPackages {
    private final Path root;
    private final EventListener listener;

    public UnpackedPackages(Path root, EventListener listener) {
        this.root = root;
        this.listener = listener;
    }

    /**
     * Reads a package, from its unpacked form when cached and intact, otherwise from the
     * {@code .deb} (which {@code deb} supplies, verified), unpacking it into the cache meanwhile.
     */
    public DebFile.Control read(String debSha256, Supplier<Path> deb, String what,
            DebFile.Visitor visitor) {
        Optional<Path> cached = verified(debSha256);
        try {
            if (cached.isPresent()) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(cached.get()), 1 << 16)) {
                    return DebFile.read(in, what, visitor, null);
                }
            }
            return unpack(debSha256, deb.get(), what, visitor);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read package " + what + ": "
                    + e.getMessage() + "; the file is not a valid .deb", e);
        }
    }

    /** Whether an unpacked entry exists (it is still verified before use). */
    public boolean has(String debSha256) {
        return Files.isRegularFile(entry(debSha256)) && Files.isRegularFile(sidecar(debSha256));
    }

    private Path entry(String sha) {
        return root.resolve(sha + ".ar");
    }

    private Path sidecar(String sha) {
        return root.resolve(sha + ".ar.sha256");
    }

    private Optional<Path> verified(String debSha256) {
        Path file = entry(debSha256);
        Path side = sidecar(debSha256);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(side)) {
            return Optional.empty();
        }
        try {
            String expected = Files.readString(side, StandardCharsets.US_ASCII).strip();
            try (InputStream in = new VerifyingInputStream(Files.newInputStream(file),
                    new Digest(Digest.Algorithm.SHA256, expected), Files.size(file), "unpacked cache entry " + file)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            listener.warn("Discarding unpacked cache entry " + file + ": it no longer matches its recorded SHA256");
            deleteQuietly(file);
            deleteQuietly(side);
            return Optional.empty();
        }
    }

    private DebFile.Control unpack(String debSha256, Path deb, String what, DebFile.Visitor visitor)
            throws IOException {
        Files.createDirectories(root);
        String id = UUID.randomUUID().toString();
        Path control = root.resolve(AtomicFiles.TEMP_PREFIX + id + ".control");
        Path data = root.resolve(AtomicFiles.TEMP_PREFIX + id + ".data");
        try {
            DebFile.Control result;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(deb), 1 << 16);
                 Outputs outputs = new Outputs(control, data)) {
                result = DebFile.read(in, what, visitor, outputs);
            }
            MessageDigest sha = sha256();
            AtomicFiles.write(entry(debSha256), stream -> {
                try (ArArchiveOutputStream out = new ArArchiveOutputStream(new DigestOutputStream(stream, sha))) {
                    member(out, "debian-binary", null, "2.0\n".getBytes(StandardCharsets.US_ASCII));
                    member(out, "control.tar", control, null);
                    member(out, "data.tar", data, null);
                }
            });
            String hex = HexFormat.of().formatHex(sha.digest());
            AtomicFiles.write(sidecar(debSha256), (hex + "\n").getBytes(StandardCharsets.US_ASCII));
            return result;
        } finally {
            deleteQuietly(control);
            deleteQuietly(data);
        }
    }

    private static void member(ArArchiveOutputStream out, String name, Path file, byte[] bytes) throws IOException {
        long size = file == null ? bytes.length : Files.size(file);
        out.putArchiveEntry(new ArArchiveEntry(name, size, 0, 0, 0100644, 0));
        if (file == null) {
            out.write(bytes);
        } else {
            Files.copy(file, out);
        }
        out.closeArchiveEntry();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // temporary file; the next run overwrites or ignores it
        }
    }

    /** Temporary files receiving the decompressed tars. */
    private static final class Outputs implements DebFile.Repack, AutoCloseable {
        private final Path controlPath;
        private final Path dataPath;
        private OutputStream control;
        private OutputStream data;

        Outputs(Path control, Path data) {
            this.controlPath = control;
            this.dataPath = data;
        }

        @Override
        public OutputStream control() throws IOException {
            control = new BufferedOutputStream(Files.newOutputStream(controlPath), 1 << 16);
            return control;
        }

        @Override
        public OutputStream data() throws IOException {
            data = new BufferedOutputStream(Files.newOutputStream(dataPath), 1 << 16);
            return data;
        }

        @Override
        public void close() throws IOException {
            if (control != null) {
                control.close();
            }
            if (data != null) {
                data.close();
            }
        }
    }
}
