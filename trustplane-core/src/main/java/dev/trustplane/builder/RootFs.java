package dev.trustplane.builder;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The image's file tree while it is assembled: never on the host file system. Small file contents
 * stay in memory; large ones go to a private spool file that is deleted on close. Paths are
 * relative to the image root, without leading slash.
 */
final class RootFs implements Closeable {
    static final int INLINE_LIMIT = 1 << 20;
    /** Untrusted input is bounded: an image's unpacked content and entry count (decompression bombs). */
    static final long MAX_CONTENT = 16L << 30;
    static final int MAX_ENTRIES = 2_000_000;

    enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK }

    static final class Node {
        Type type;
        int mode;
        int uid;
        int gid;
        String target;
        byte[] inline;
        long spoolOffset;
        long size;
        String owner;

        Node copyAttributes(Type t, int m, int u, int g, String o) {
            type = t;
            mode = m;
            uid = u;
            gid = g;
            owner = o;
            return this;
        }
    }

    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final Path spoolFile;
    private FileChannel spool;
    private long spoolSize;
    private final AtomicLong content = new AtomicLong();

    RootFs(Path tempDir) {
        try {
            Files.createDirectories(tempDir);
            this.spoolFile = Files.createTempFile(tempDir, "rootfs-", ".spool");
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot create a spool file in " + tempDir + ": " + e, e);
        }
    }

    NavigableMap<String, Node> nodes() {
        return nodes;
    }

    Node get(String path) {
        return nodes.get(path);
    }

    boolean exists(String path) {
        return nodes.containsKey(path);
    }

    void remove(String path) {
        nodes.remove(path);
    }

    /** Removes a path and everything under it. */
    void removeTree(String path) {
        nodes.remove(path);
        nodes.subMap(path + "/", true, path + "0", false).clear();
    }

    /** File content prepared outside the tree lock: bytes in memory or a range of the spool. */
    record Content(byte[] inline, long offset, long size) {
    }

    /** Reads {@code size} bytes of content; thread-safe, so packages can be decoded in parallel. */
    Content content(InputStream in, long size, String path) throws IOException {
        if (content.addAndGet(size) > MAX_CONTENT) {
            throw new LimitExceededException("unpacked image content", MAX_CONTENT, path);
        }
        if (size <= INLINE_LIMIT) {
            byte[] data = in.readNBytes((int) size);
            if (data.length != size) {
                throw new IOException("short read for " + path);
            }
            return new Content(data, 0, size);
        }
        long offset;
        synchronized (this) {
            if (spool == null) {
                spool = FileChannel.open(spoolFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            offset = spoolSize;
            spoolSize += size;
        }
        long copied = 0;
        byte[] buffer = new byte[1 << 16];
        while (copied < size) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, size - copied));
            if (r < 0) {
                throw new IOException("short read for " + path);
            }
            ByteBuffer bb = ByteBuffer.wrap(buffer, 0, r);
            long position = offset + copied;
            while (bb.hasRemaining()) {
                position += spool.write(bb, position);
            }
            copied += r;
        }
        return new Content(null, offset, size);
    }

    synchronized void directory(String path, int mode, int uid, int gid, String owner) {
        put(path, new Node().copyAttributes(Type.DIRECTORY, mode, uid, gid, owner));
    }

    synchronized void symlink(String path, String target, String owner) {
        Node n = new Node().copyAttributes(Type.SYMLINK, 0777, 0, 0, owner);
        n.target = target;
        put(path, n);
    }

    synchronized void hardlink(String path, String target, String owner) {
        Node t = nodes.get(target);
        if (t == null || t.type != Type.FILE) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Package " + owner + " hardlinks " + path + " to "
                    + target + ", which is not a file it shipped before");
        }
        Node n = new Node().copyAttributes(Type.HARDLINK, t.mode, t.uid, t.gid, owner);
        n.target = target;
        put(path, n);
    }

    synchronized void file(String path, int mode, int uid, int gid, String owner, byte[] content) {
        file(path, mode, uid, gid, owner, new Content(content, 0, content.length));
    }

    synchronized void file(String path, int mode, int uid, int gid, String owner, Content content) {
        Node n = new Node().copyAttributes(Type.FILE, mode, uid, gid, owner);
        n.inline = content.inline();
        n.spoolOffset = content.offset();
        n.size = content.size();
        put(path, n);
    }

    /**
     * Places a node whatever order packages arrive in: directories merge (explicit attributes win
     * over implied ones, then the package that sorts first); for anything else shipped twice the
     * package that sorts last wins, as if packages were unpacked in name order.
     */
    private void put(String path, Node node) {
        if (nodes.size() >= MAX_ENTRIES && !nodes.containsKey(path)) {
            throw new LimitExceededException("image file entries", MAX_ENTRIES, path);
        }
        ensureParents(path);
        Node existing = nodes.get(path);
        if (existing == null) {
            nodes.put(path, node);
            return;
        }
        if (existing.type == Type.DIRECTORY && node.type == Type.DIRECTORY) {
            if (existing.owner == null || (node.owner != null && node.owner.compareTo(existing.owner) < 0)) {
                nodes.put(path, node);
            }
            return;
        }
        if (existing.type == Type.DIRECTORY || node.type == Type.DIRECTORY) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Packages " + existing.owner + " and " + node.owner
                    + " disagree about " + path + ": one ships a directory, the other a "
                    + (node.type == Type.DIRECTORY ? existing.type : node.type).name().toLowerCase(Locale.ROOT)
                    + " — remove one of them from the image spec");
        }
        if (existing.owner == null || node.owner == null || node.owner.compareTo(existing.owner) >= 0) {
            nodes.put(path, node);
        }
    }

    private void ensureParents(String path) {
        int slash = path.lastIndexOf('/');
        List<String> missing = new ArrayList<>();
        while (slash > 0) {
            String parent = path.substring(0, slash);
            Node p = nodes.get(parent);
            if (p != null) {
                if (p.type != Type.DIRECTORY) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot place " + path + ": its parent "
                            + parent + " is a " + p.type.name().toLowerCase(Locale.ROOT)
                            + ", not a directory");
                }
                break;
            }
            missing.add(parent);
            slash = parent.lastIndexOf('/');
        }
        for (String dir : missing) {
            nodes.put(dir, new Node().copyAttributes(Type.DIRECTORY, 0755, 0, 0, null));
        }
    }

    InputStream open(Node node) throws IOException {
        if (node.inline != null) {
            return new ByteArrayInputStream(node.inline);
        }
        return new InputStream() {
            private long position = node.spoolOffset;
            private final long end = node.spoolOffset + node.size;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= end) {
                    return -1;
                }
                int r = spool.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
                if (r > 0) {
                    position += r;
                }
                return r;
            }
        };
    }

    byte[] read(String path) {
        Node n = nodes.get(path);
        if (n == null || n.type != Type.FILE) {
            return null;
        }
        try (InputStream in = open(n)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + path + " from the spool: " + e, e);
        }
    }

    Map<String, Node> under(String prefix) {
        return nodes.subMap(prefix + "/", true, prefix + "0", false);
    }

    @Override
    public void close() {
        try {
            if (spool != null) {
                spool.close();
            }
            Files.deleteIfExists(spoolFile);
        } catch (IOException ignored) {
            // the temp directory is cleaned on the next build
        }
    }
}
