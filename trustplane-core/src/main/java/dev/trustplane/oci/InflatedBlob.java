package dev.trustplane.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A gzip blob from a local file or a registry, decompressed whole by libdeflate. This is the JDK
 * 21 version: without the foreign-function API (final in JDK 22) {@link #open} and
 * {@link #download} always return empty and callers stream the blob through {@code java.util.zip}.
 * The JDK 22+ version is {@code src/main/java22/dev/trustplane/oci/InflatedBlob.java}, chosen by
 * the JVM from the multi-release JAR (ADR 009).
 */
public final class InflatedBlob implements AutoCloseable {
    /** Blobs that decompress to more than this are streamed: the whole output is held in memory. */
    public static final long MAX_OUTPUT = 512L << 20;
    /** Registry blobs larger than this are streamed: {@code download} holds the compressed bytes too. */
    public static final long MAX_DOWNLOAD = 256L << 20;

    private InflatedBlob() {
    }

    /**
     * The decompressed blob, or empty when this runtime cannot decompress it whole (here: always),
     * in which case the caller streams it.
     */
    public static Optional<InflatedBlob> open(Path file, Digest digest, long size, String source) {
        return Optional.empty();
    }

    /**
     * The decompressed registry blob, or empty when this runtime cannot decompress it whole (here:
     * always, without opening {@code blob}), in which case the caller streams it.
     */
    public static Optional<InflatedBlob> download(Supplier<VerifyingInputStream> blob,
            Digest digest, long size, String source) throws IOException {
        return Optional.empty();
    }

    /** Why {@link #open} returns empty on this runtime, for diagnostics. */
    public static String unavailableReason() {
        return "the foreign-function API needs JDK 22 or newer (running " + Runtime.version().feature() + ")";
    }

    /** The decompressed content; valid until {@link #close}. */
    public InputStream content() {
        throw new IllegalStateException("no blob is open on this runtime");
    }

    /** The decompressed content, read-only; valid until {@link #close}. */
    public ByteBuffer buffer() {
        throw new IllegalStateException("no blob is open on this runtime");
    }

    /** Waits for the digest check and refuses the blob when its digest or size differ. */
    public void verify() {
        throw new IllegalStateException("no blob is open on this runtime");
    }

    @Override
    public void close() {
        // nothing is ever open on this runtime
    }
}
