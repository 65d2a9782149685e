package dev.trustplane.oci;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.ByteBufferInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A gzip blob decompressed whole by libdeflate (about 1.5 times as fast as the zlib behind
 * {@code java.util.zip} here), the output in native memory until {@link #close}. A local file
 * ({@link #open}) is mapped, never copied onto the heap, while a second thread checks its digest;
 * a registry blob ({@link #download}) is read into native memory through its verifying stream
 * first.
 * This is the JDK 22+ version of the multi-release JAR (ADR 009); the JDK 21 version always
 * declines.
 *
 * <p>{@link #open} declines (empty: the caller streams through {@code java.util.zip}) when
 * libdeflate ({@code libdeflate.so.0}) cannot be loaded, when {@code -Dtrustplane.libdeflate=false}
 * turns it off, when the trailer announces more than {@link #MAX_OUTPUT}, and when the blob is not
 * one gzip member whose trailer size matches its content: whatever the streaming path refuses is
 * refused there, with its message. Content that libdeflate reports as corrupt is an integrity
 * error when the digest does not match either, an invalid-input error otherwise.
 */
public final class InflatedBlob implements AutoCloseable {
    /** Blobs that decompress to more than this are streamed: the whole output is held in memory. */
    public static final long MAX_OUTPUT = 512L << 20;
    /** Registry blobs larger than this are streamed: {@link #download} holds the compressed bytes too. */
    public static final long MAX_DOWNLOAD = 256L << 20;

    private static final int LIBDEFLATE_SUCCESS = 0;
    private static final int LIBDEFLATE_BAD_DATA = 1;
    /** Ours, not libdeflate's: it could not allocate a decompressor (the blob is then streamed). */
    private static final int NO_DECOMPRESSOR = -1;
    /** gzip's smallest member: a 10-byte header, an empty deflate block, an 8-byte trailer. */
    private static final long MIN_GZIP = 20;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment content;
    private final Hasher hasher;
    private final Digest digest;
    private final String source;

    private InflatedBlob(Arena arena, MemorySegment content, Hasher hasher, Digest digest, String source) {
        this.arena = arena;
        this.content = content;
        this.hasher = hasher;
        this.digest = digest;
        this.source = source;
    }

    /**
     * The decompressed blob, or empty when it is to be streamed instead (see the class comment).
     *
     * @param size the size the descriptor declares; a file of another size is left to the streaming path
     */
    public static Optional<InflatedBlob> open(Path file, Digest digest, long size, String source) {
        Libdeflate lib = Libdeflate.INSTANCE;
        if (lib == null || size < MIN_GZIP || size > MAX_OUTPUT) {
            return Optional.empty();
        }
        @SuppressWarnings("MustBeClosedChecker") // the InflatedBlob returned owns it and closes it; else closed below
        Arena arena = Arena.ofShared();
        Optional<InflatedBlob> inflated = Optional.empty();
        try {
            MemorySegment in;
            try (FileChannel channel = FileChannel.open(file)) {
                if (channel.size() != size) {
                    return Optional.empty();
                }
                in = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            inflated = inflate(lib, arena, in, digest.newHasher(), digest, source);
            return inflated;
        } catch (IOException e) {
            // the streaming path opens the file again and names what it cannot read
            return Optional.empty();
        } finally {
            if (inflated.isEmpty()) {
                arena.close();
            }
        }
    }

    /**
     * A gzip blob of at most {@link #MAX_DOWNLOAD} bytes read whole from {@code blob} (a registry's
     * stream, which checks digest and size at its end) into native memory, then decompressed there
     * and the compressed bytes freed: libdeflate needs all of its input at once. Empty without
     * opening the stream when libdeflate is not in use or the size is out of range; empty after
     * reading it when the blob is not one gzip member whose trailer size matches its content (the
     * caller then asks for the blob again and streams it: rare, and never wrong). A digest or size
     * that differs is refused while reading, before anything is decompressed.
     */
    public static Optional<InflatedBlob> download(Supplier<VerifyingInputStream> blob, Digest digest, long size,
            String source) throws IOException {
        Libdeflate lib = Libdeflate.INSTANCE;
        if (lib == null || size < MIN_GZIP || size > MAX_DOWNLOAD) {
            return Optional.empty();
        }
        @SuppressWarnings("MustBeClosedChecker") // the InflatedBlob returned owns it and closes it; else closed below
        Arena arena = Arena.ofShared();
        Optional<InflatedBlob> inflated = Optional.empty();
        try (Arena compressed = Arena.ofConfined()) {
            MemorySegment in = lib.output(size, compressed);
            if (in == null) {
                return Optional.empty();
            }
            try (VerifyingInputStream stream = blob.get()) {
                byte[] chunk = new byte[1 << 16];
                long off = 0;
                int n;
                while ((n = stream.read(chunk, 0, (int) Math.min(chunk.length, Math.max(size - off, 1)))) >= 0) {
                    if (off + n > size) {
                        // a verifying stream ends at the declared size; anything else is not one
                        throw new IllegalStateException("blob stream of " + source + " ran past " + size + " bytes");
                    }
                    MemorySegment.copy(chunk, 0, in, ValueLayout.JAVA_BYTE, off, n);
                    off += n;
                }
            }
            inflated = inflate(lib, arena, in, null, digest, source);
            return inflated;
        } finally {
            if (inflated.isEmpty()) {
                arena.close();
            }
        }
    }

    /**
     * Decompresses the gzip blob {@code in} into memory of {@code arena}; empty when it is not one
     * member whose trailer size is at most {@link #MAX_OUTPUT} and matches the content.
     *
     * @param md the digest to compute of {@code in} beside the decompression, or null when the
     *     caller has checked it already
     */
    private static Optional<InflatedBlob> inflate(Libdeflate lib, Arena arena, MemorySegment in, MessageDigest md,
            Digest digest, String source) {
        long size = in.byteSize();
        long announced = Integer.toUnsignedLong(in.get(LE_INT, size - 4));
        if (announced > MAX_OUTPUT || in.get(ValueLayout.JAVA_BYTE, 0) != (byte) 0x1f
                || in.get(ValueLayout.JAVA_BYTE, 1) != (byte) 0x8b) {
            return Optional.empty();
        }
        MemorySegment out = lib.output(Math.max(announced, 1), arena);
        if (out == null) {
            return Optional.empty(); // no memory for the whole output: streamed instead
        }
        Hasher hasher = new Hasher(md == null ? null : in, md, lib.populator(out));
        hasher.start();
        boolean kept = false;
        try {
            MemorySegment counts = arena.allocate(ValueLayout.JAVA_LONG, 2);
            int result = lib.gunzip(in, out.asSlice(0, announced), counts);
            long consumed = counts.getAtIndex(ValueLayout.JAVA_LONG, 0);
            long produced = counts.getAtIndex(ValueLayout.JAVA_LONG, 1);
            if (result == LIBDEFLATE_SUCCESS && consumed == size && produced == announced) {
                kept = true;
                return Optional.of(new InflatedBlob(arena, out.asSlice(0, produced), hasher, digest, source));
            }
            if (result == LIBDEFLATE_BAD_DATA) {
                check(hasher, digest, source);
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Blob " + digest + " from " + source
                        + " matches its digest but is not valid gzip data (a corrupt deflate stream, header or"
                        + " CRC-32); it was pushed corrupt: rebuild or re-push the image");
            }
            // several members, trailing bytes or a trailer size that is not the content's: streamed instead
            return Optional.empty();
        } finally {
            if (!kept) {
                hasher.cancel();
            }
        }
    }

    /** Why {@link #open} declines every blob on this runtime, or null when libdeflate is in use. */
    public static String unavailableReason() {
        return Libdeflate.INSTANCE == null ? Libdeflate.unavailable : null;
    }

    /** The decompressed content, read-only; valid until {@link #close} (reading it after is a fault). */
    public ByteBuffer buffer() {
        return content.asByteBuffer().asReadOnlyBuffer();
    }

    /** The decompressed content; readable until {@link #close}. */
    public InputStream content() {
        return new ByteBufferInputStream(buffer());
    }

    /** Waits for the digest check and refuses the blob when its digest differs from the declared one. */
    public void verify() {
        check(hasher, digest, source);
    }

    @Override
    public void close() {
        hasher.cancel();
        arena.close();
    }

    private static void check(Hasher hasher, Digest digest, String source) {
        hasher.await();
        if (hasher.failure != null) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read blob " + digest + " from " + source + ": "
                    + hasher.failure, hasher.failure);
        }
        if (hasher.in != null) {
            VerifyingInputStream.check(digest, Digest.fromHash(digest.algorithm(), hasher.hash), source);
        }
    }

    /**
     * Hashes the mapped blob on its own thread, in 64 KiB steps so that it can be stopped; with no
     * blob ({@code in} null: its digest was checked while it was read) it only runs {@code first}.
     */
    private static final class Hasher extends Thread {
        private final MemorySegment in;
        private final MessageDigest md;
        private volatile boolean stopped;
        private byte[] hash;
        private Throwable failure;

        private final Runnable first;

        /** @param first what to do before hashing (fault in the output's pages) */
        Hasher(MemorySegment in, MessageDigest md, Runnable first) {
            super("trustplane-blob-digest");
            setDaemon(true);
            this.in = in;
            this.md = md;
            this.first = first;
        }

        @Override
        public void run() {
            try {
                first.run();
                if (in == null) {
                    return;
                }
                byte[] chunk = new byte[1 << 16];
                long size = in.byteSize();
                for (long off = 0; off < size && !stopped; off += chunk.length) {
                    int n = (int) Math.min(chunk.length, size - off);
                    MemorySegment.copy(in, ValueLayout.JAVA_BYTE, off, chunk, 0, n);
                    md.update(chunk, 0, n);
                }
                hash = md.digest();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        void cancel() {
            stopped = true;
            await();
        }

        /** Joins the thread; the mapping it reads must outlive it. */
        void await() {
            boolean interrupted = false;
            while (isAlive()) {
                try {
                    join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * libdeflate's gzip decompressor, bound once per process (null when it cannot be loaded), and
     * on Linux the C library's {@code mmap}, {@code munmap} and {@code madvise} for the output.
     */
    private record Libdeflate(MethodHandle alloc, MethodHandle free, MethodHandle decompress, MethodHandle mmap,
            MethodHandle munmap, MethodHandle madvise) {
        static String unavailable;
        static final Libdeflate INSTANCE = load();

        private static final int PROT_READ_WRITE = 0x3;
        private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
        /** Linux 5.14+: fault in writable pages without touching their content. */
        private static final int MADV_POPULATE_WRITE = 23;

        /**
         * Native memory for the output, freed with {@code arena}, or null when the system has none.
         * On Linux a fresh anonymous mapping that {@link #populator} can fault in from another
         * thread while libdeflate writes into it: allocating and zeroing 100 MB costs ~0.1 s of page
         * faults on the decompressing thread.
         */
        MemorySegment output(long size, Arena arena) {
            if (mmap == null) {
                return arena.allocate(size);
            }
            try {
                MemorySegment p = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, size, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (p.address() == -1L || p.equals(MemorySegment.NULL)) {
                    return null; // MAP_FAILED
                }
                MethodHandle unmap = munmap;
                return p.reinterpret(size, arena, segment -> {
                    try {
                        int ignored = (int) unmap.invokeExact(segment, size);
                    } catch (Throwable t) {
                        throw new IllegalStateException("munmap failed", t);
                    }
                });
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("mmap failed", t);
            }
        }

        /** Faults in the pages of {@code out} (best effort: older kernels refuse, then libdeflate faults them). */
        Runnable populator(MemorySegment out) {
            if (madvise == null) {
                return () -> { };
            }
            return () -> {
                try {
                    int ignored = (int) madvise.invokeExact(out, out.byteSize(), MADV_POPULATE_WRITE);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException("madvise failed", t);
                }
            };
        }

        private static Libdeflate load() {
            if ("false".equals(System.getProperty("trustplane.libdeflate"))) {
                unavailable = "turned off by -Dtrustplane.libdeflate=false";
                return null;
            }
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup lib = SymbolLookup.libraryLookup("libdeflate.so.0", Arena.global());
                ValueLayout pointer = ValueLayout.ADDRESS;
                ValueLayout sizeT = ValueLayout.JAVA_LONG;
                ValueLayout cInt = ValueLayout.JAVA_INT;
                boolean linux = System.getProperty("os.name", "").equals("Linux");
                SymbolLookup libc = linker.defaultLookup();
                return new Libdeflate(
                        linker.downcallHandle(lib.find("libdeflate_alloc_decompressor").orElseThrow(),
                                FunctionDescriptor.of(pointer)),
                        linker.downcallHandle(lib.find("libdeflate_free_decompressor").orElseThrow(),
                                FunctionDescriptor.ofVoid(pointer)),
                        linker.downcallHandle(lib.find("libdeflate_gzip_decompress_ex").orElseThrow(),
                                FunctionDescriptor.of(cInt, pointer, pointer, sizeT, pointer, sizeT, pointer, pointer)),
                        linux ? linker.downcallHandle(libc.find("mmap").orElseThrow(),
                                FunctionDescriptor.of(pointer, pointer, sizeT, cInt, cInt, cInt, sizeT)) : null,
                        linux ? linker.downcallHandle(libc.find("munmap").orElseThrow(),
                                FunctionDescriptor.of(cInt, pointer, sizeT)) : null,
                        linux ? linker.downcallHandle(libc.find("madvise").orElseThrow(),
                                FunctionDescriptor.of(cInt, pointer, sizeT, cInt)) : null);
            } catch (IllegalArgumentException | NoSuchElementException | UnsupportedOperationException
                     | IllegalCallerException e) {
                unavailable = "libdeflate.so.0 cannot be used (" + e.getMessage() + "); install libdeflate0";
                return null;
            }
        }

        /**
         * {@code libdeflate_gzip_decompress_ex}, or {@code NO_DECOMPRESSOR}; {@code counts} receives
         * the bytes consumed and produced.
         */
        int gunzip(MemorySegment in, MemorySegment out, MemorySegment counts) {
            try {
                MemorySegment d = (MemorySegment) alloc.invokeExact();
                if (d.equals(MemorySegment.NULL)) {
                    return NO_DECOMPRESSOR;
                }
                try {
                    return (int) decompress.invokeExact(d, in, in.byteSize(), out, out.byteSize(), counts,
                            counts.asSlice(ValueLayout.JAVA_LONG.byteSize()));
                } finally {
                    free.invokeExact(d);
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("libdeflate call failed", t);
            }
        }
    }
}
