package dev.trustplane.sbom;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStream;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.InflatedBlob;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location.Registry;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The first stage of package detection: opens one layer of an image and hands its tar to a
 * {@link Recorder}. It picks the compression from the media type, decompresses a gzip layer whole
 * with libdeflate where it can (walked in place by {@link MemoryTar}) and streams anything else
 * through commons-compress ({@link StreamedTar}); it checks the blob's digest before the layer
 * counts, reports a blob that is not what was pushed as such whatever it holds, and tells a blob
 * stream that failed (network, disk) from content that cannot be read.
 */
final class LayerReader {
    /** zstd frames may ask for a window of up to 2^31 bytes; above 2^27 (128 MiB) they are refused. */
    private static final int MAX_ZSTD_WINDOW_LOG = 27;

    /** What a layer's entries are recorded into. */
    interface Recorder {
        /** Records what the tar's entries add, change and white out. */
        void entries(LayerTar tar) throws IOException;

        /** Remembers the recorded state; running the result returns to it (before a tar is read again). */
        Runnable checkpoint();
    }

    private LayerReader() {
    }

    /**
     * Reads one layer: a gzip layer is decompressed whole by libdeflate where the runtime offers it
     * ({@link InflatedBlob}) — mapped from a local file, or read into memory from a registry when
     * it is at most {@link InflatedBlob#MAX_DOWNLOAD} — and anything else is streamed. Either way
     * the blob's digest is checked before the layer counts.
     */
    static void read(ImageSource source, Descriptor layer, Recorder recorder) {
        Compression compression = Compression.of(layer, source);
        Failing stored = null;
        try {
            Optional<InflatedBlob> whole = compression == Compression.GZIP ? inflated(source, layer) : Optional.empty();
            if (whole.isPresent()) {
                try (InflatedBlob blob = whole.get()) {
                    whole(blob, recorder);
                }
                return;
            }
            stored = new Failing(source.blob(layer));
            try (InputStream blob = new BufferedInputStream(stored, 1 << 16)) {
                // the decompressor is closed (freeing its native state) without closing the blob
                InputStream kept = new FilterInputStream(blob) {
                    @Override
                    public void close() {
                    }
                };
                try (InputStream in = decompressed(compression, kept);
                     TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in, 1 << 18))) {
                    recorder.entries(new StreamedTar(tar));
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException | RuntimeException e) {
                    // Unreadable gzip or tar data, from the first header on: when the blob is not what was
                    // pushed either, that is the error to report (the digest check at its end throws).
                    blob.transferTo(OutputStream.nullOutputStream());
                    throw e;
                }
                // Read the blob itself to its end, where its digest and size are checked, so the check
                // never depends on how far a decompressor reads past the end of its stream.
                blob.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            if (stored != null && stored.failure != null) {
                throw unreadable(source, layer, stored.failure);
            }
            if (e instanceof ZstdIOException z && z.getErrorCode() == Zstd.errFrameParameterWindowTooLarge()) {
                throw new LimitExceededException("zstd window", 1L << MAX_ZSTD_WINDOW_LOG, "Layer " + layer.digest()
                        + " of " + source.location() + " (a zstd frame asks for a larger decoding window)");
            }
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read layer " + layer.digest() + " of "
                    + source.location() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<InflatedBlob> inflated(ImageSource source, Descriptor layer) {
        String where = source.location().toString();
        Optional<Path> file = source.blobFile(layer);
        if (file.isPresent()) {
            return InflatedBlob.open(file.get(), layer.digest(), layer.size(), where);
        }
        try {
            // the only IOExceptions here are the blob stream's own: decompressing throws none
            return InflatedBlob.download(() -> source.blob(layer), layer.digest(), layer.size(), where);
        } catch (IOException e) {
            throw unreadable(source, layer, e);
        }
    }

    /**
     * The blob stream itself failed (a connection cut, a disk error), as opposed to what it
     * carries being unreadable: not the image's fault, and worth a retry.
     */
    private static TrustplaneException unreadable(ImageSource source, Descriptor layer, IOException e) {
        boolean remote = source.location() instanceof Registry;
        String wayOut = remote ? "retry; check the network and the registry" : "check the disk and the layout's files";
        return new TrustplaneException(remote ? ErrorKind.UNREACHABLE : ErrorKind.IO, "Reading layer "
                + layer.digest() + " from " + source.location() + " failed: " + e.getMessage() + " — " + wayOut, e);
    }

    /** A blob stream that remembers whether it failed itself, as opposed to its content being unreadable. */
    private static final class Failing extends FilterInputStream {
        IOException failure;

        Failing(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    /**
     * Walks a layer held whole in memory in place ({@link MemoryTar}); a tar it declines (sparse
     * files) is read again from the start by commons-compress. A tar that cannot be read is
     * reported as such only once the digest matched: a blob that is not what was pushed is an
     * integrity error whatever it holds.
     */
    private static void whole(InflatedBlob blob, Recorder recorder) throws IOException {
        Runnable undo = recorder.checkpoint();
        try {
            try {
                recorder.entries(new MemoryTar(blob.buffer()));
            } catch (MemoryTar.Declined e) {
                undo.run();
                recorder.entries(new StreamedTar(new TarArchiveInputStream(blob.content())));
            }
        } catch (IOException | RuntimeException e) {
            blob.verify();
            throw e;
        }
        blob.verify();
    }

    /** How a layer's tar is compressed, by the suffix of its media type. */
    private enum Compression {
        NONE, GZIP, ZSTD;

        /**
         * {@code …tar+gzip} / {@code …tar.gzip} (Docker's {@code …diff.tar.gzip}), {@code …+zstd} /
         * {@code …tar.zstd}, or an uncompressed {@code …tar}; any other media type is not a layer of a
         * container image (a signature, an SBOM, an artifact's file) and is refused by name.
         */
        static Compression of(Descriptor layer, ImageSource source) {
            String type = layer.mediaType();
            if (type.endsWith("+zstd") || type.endsWith(".zstd")) {
                return ZSTD;
            }
            if (type.endsWith("+gzip") || type.endsWith(".gzip")) {
                return GZIP;
            }
            if (type.endsWith(".tar") || type.endsWith("+tar")) {
                return NONE;
            }
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Layer " + layer.digest() + " of "
                    + source.location() + " has the media type " + type + ", which is not a tar layer (…tar,"
                    + " …tar+gzip, …tar+zstd or Docker's …tar.gzip): this manifest is an artifact, not a container"
                    + " image; pass the reference of an image");
        }
    }

    /** The layer's tar stream. The zstd window limit bounds the native memory one layer can claim. */
    private static InputStream decompressed(Compression compression, InputStream blob) throws IOException {
        if (compression != Compression.ZSTD) {
            return compression == Compression.GZIP ? new GZIPInputStream(blob, 1 << 16) : blob;
        }
        try {
            return new ZstdInputStream(blob).setLongMax(MAX_ZSTD_WINDOW_LOG);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Cannot read zstd-compressed layers here: the"
                    + " zstd library (zstd-jni) did not load (" + e + "); it unpacks its native part into"
                    + " java.io.tmpdir, which must allow executables (set -Djava.io.tmpdir in JAVA_OPTS)", e);
        }
    }
}
