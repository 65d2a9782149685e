package dev.trustplane.builder;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes part of a {@link RootFs} as a reproducible gzip layer: entries sorted by path, fixed
 * mtime (SOURCE_DATE_EPOCH), numeric owners without names, PAX headers only for long names, a
 * gzip header without name or time, compressed in parallel in fixed blocks. Hardlinks point at the first path of their group in sorted
 * order, so the target always precedes the link.
 */
final class WriteLayerStep {
    /** The written layer: compressed digest and size, and the digest of the uncompressed tar. */
    record Layer(Path file, Digest digest, long size, Digest diffId, int entries) {
    }

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService GZIP_POOL = Executors
            .newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "trustplane-gzip");
                t.setDaemon(true);
                return t;
            });

    private final RootFs fs;
    private final long epoch;
    private final Predicate<RootFs.Node> include;
    private final int gzipLevel;

    WriteLayerStep(RootFs fs, long epoch, Predicate<RootFs.Node> include, int gzipLevel) {
        this.fs = fs;
        this.epoch = epoch;
        this.include = include;
        this.gzipLevel = gzipLevel;
    }

    Layer run(Path tempDir) {
        NavigableMap<String, RootFs.Node> nodes = fs.nodes();
        Map<String, String> firstOfGroup = hardlinkGroups(nodes);
        Path file = null;
        try {
            file = Files.createTempFile(tempDir, "layer-", ".tar.gz");
            MessageDigest compressed = MessageDigest.getInstance("SHA-256");
            MessageDigest uncompressed = MessageDigest.getInstance("SHA-256");
            int count = 0;
            long size;
            try (OutputStream fileOut = Files.newOutputStream(file);
                 DigestOutputStream compressedOut = new DigestOutputStream(new BufferedOutputStream(fileOut, 1 << 16),
                         compressed);
                 OutputStream gzip = new ParallelGzipOutputStream(compressedOut, GZIP_POOL, THREADS, gzipLevel);
                 DigestOutputStream tarOut = new DigestOutputStream(new BufferedOutputStream(gzip, 1 << 16),
                         uncompressed);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(tarOut, 10240, "UTF-8")) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                tar.setAddPaxHeadersForNonAsciiNames(true);
                for (Map.Entry<String, RootFs.Node> e : nodes.entrySet()) {
                    RootFs.Node n = e.getValue();
                    if (!include.test(n)) {
                        continue;
                    }
                    write(tar, e.getKey(), n, firstOfGroup);
                    count++;
                }
                tar.finish();
            }
            size = Files.size(file);
            return new Layer(file, Digest.fromHash(Digest.Algorithm.SHA256, compressed.digest()), size,
                    Digest.fromHash(Digest.Algorithm.SHA256, uncompressed.digest()), count);
        } catch (IOException | NoSuchAlgorithmException e) {
            try {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // nothing to keep
            }
            throw new TrustplaneException(ErrorKind.IO, "Cannot write an image layer in " + tempDir + ": " + e, e);
        }
    }

    /** For every file with hardlinks: the path that sorts first carries the content. */
    private static Map<String, String> hardlinkGroups(NavigableMap<String, RootFs.Node> nodes) {
        Map<String, String> first = new HashMap<>();
        for (Map.Entry<String, RootFs.Node> e : nodes.entrySet()) {
            if (e.getValue().type == RootFs.Type.HARDLINK) {
                String target = e.getValue().target;
                String current = first.getOrDefault(target, target);
                if (e.getKey().compareTo(current) < 0) {
                    current = e.getKey();
                }
                first.put(target, current);
            }
        }
        return first;
    }

    private void write(TarArchiveOutputStream tar, String path, RootFs.Node n, Map<String, String> firstOfGroup)
            throws IOException {
        TarArchiveEntry entry;
        RootFs.Node content = n;
        switch (n.type) {
            case DIRECTORY -> entry = new TarArchiveEntry(path + "/", TarConstants.LF_DIR, true);
            case SYMLINK -> {
                entry = new TarArchiveEntry(path, TarConstants.LF_SYMLINK, true);
                entry.setLinkName(n.target);
            }
            case HARDLINK, FILE -> {
                String groupKey = n.type == RootFs.Type.HARDLINK ? n.target : path;
                String carrier = firstOfGroup.getOrDefault(groupKey, groupKey);
                if (!carrier.equals(path)) {
                    entry = new TarArchiveEntry(path, TarConstants.LF_LINK, true);
                    entry.setLinkName(carrier);
                    content = null;
                } else {
                    entry = new TarArchiveEntry(path, TarConstants.LF_NORMAL, true);
                    content = n.type == RootFs.Type.HARDLINK ? fs.get(n.target) : n;
                    entry.setSize(content.size);
                }
            }
            default -> throw new IllegalStateException(n.type.toString());
        }
        entry.setMode(n.mode & 07777);
        entry.setUserId(n.uid);
        entry.setGroupId(n.gid);
        entry.setUserName("");
        entry.setGroupName("");
        entry.setModTime(epoch * 1000);
        tar.putArchiveEntry(entry);
        if (entry.isFile() && content != null && content.size > 0) {
            try (InputStream in = fs.open(content)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }
}
