package dev.trustplane.oci;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Hashes content while it is read and refuses it when it ends with another digest, or runs
 * longer or shorter than the expected size. Callers write to a temporary place and commit only
 * after this stream reached its end without an exception.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final String source;
    private final MessageDigest hasher;
    private long count;
    private boolean verified;
    private LongConsumer onRead = n -> { };

    /** @param expectedSize the size the descriptor declares, or -1 when unknown (then unbounded). */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String source) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.source = source;
        this.hasher = expected.newHasher();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            finish();
            return -1;
        }
        hasher.update(b, off, n);
        count += n;
        onRead.accept(n);
        if (expectedSize >= 0 && count > expectedSize) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Blob " + expected + " from " + source
                    + " is longer than its declared size " + expectedSize + "; refusing it");
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported on a verifying stream");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reports every chunk read (for progress), without another copy or hash of the content. */
    public VerifyingInputStream onRead(LongConsumer listener) {
        this.onRead = listener;
        return this;
    }

    /** True when this stream checks exactly {@code digest} and {@code size}. */
    public boolean checks(Digest digest, long size) {
        return expected.equals(digest) && expectedSize == size;
    }

    /** True once the whole content was read and matched. */
    public boolean verified() {
        return verified;
    }

    public long count() {
        return count;
    }

    private void finish() {
        if (verified) {
            return;
        }
        if (expectedSize >= 0 && count != expectedSize) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Blob " + expected + " from " + source + " ended after "
                    + count + " bytes but its declared size is " + expectedSize + "; refusing it");
        }
        check(expected, Digest.fromHash(expected.algorithm(), hasher.digest()), source);
        verified = true;
    }

    /** Refuses content whose digest is {@code actual} where {@code expected} was declared. */
    static void check(Digest expected, Digest actual, String source) {
        if (!actual.equals(expected)) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Blob from " + source + " has digest " + actual
                    + " but " + expected + " was expected; refusing it. The source is corrupt or was tampered with.");
        }
    }
}
