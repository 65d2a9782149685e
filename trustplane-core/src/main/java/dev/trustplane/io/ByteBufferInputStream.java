package dev.trustplane.io;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The remaining bytes of a buffer as a stream, without copying the buffer: reading advances its
 * position; skipping moves it. The buffer must not be released while the stream is read.
 */
public final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer bytes;

    public ByteBufferInputStream(ByteBuffer bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public int read() {
        return bytes.hasRemaining() ? bytes.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!bytes.hasRemaining()) {
            return -1;
        }
        int n = Math.min(len, bytes.remaining());
        bytes.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) {
        int k = (int) Math.max(0, Math.min(n, bytes.remaining()));
        bytes.position(bytes.position() + k);
        return k;
    }

    @Override
    public int available() {
        return bytes.remaining();
    }
}
