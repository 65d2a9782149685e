package dev.trustplane.builder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream compressed on several threads, as pigz does: the input is cut into fixed blocks,
 * each deflated with the previous block's last 32 KiB as dictionary and ended with a sync flush,
 * and the pieces are written in order as one gzip member. The output depends only on the input
 * and the block size, never on thread timing, so layers stay reproducible.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final int BLOCK = 1 << 20;
    private static final int DICTIONARY = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final OutputStream out;
    private final ExecutorService pool;
    private final int level;
    private final int maxInFlight;
    private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block = new byte[BLOCK];
    private int filled;
    private byte[] previousTail;
    private long total;
    private boolean closed;

    ParallelGzipOutputStream(OutputStream out, ExecutorService pool, int threads, int level) throws IOException {
        this.out = out;
        this.pool = pool;
        this.level = level;
        this.maxInFlight = Math.max(2, threads * 2);
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, BLOCK - filled);
            System.arraycopy(b, off, block, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == BLOCK) {
                submit(false);
            }
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] data = filled == block.length ? block : Arrays.copyOf(block, filled);
        int length = filled;
        crc.update(data, 0, length);
        total += length;
        byte[] dictionary = previousTail;
        previousTail = length >= DICTIONARY ? Arrays.copyOfRange(data, length - DICTIONARY, length)
                : concatTail(previousTail, data, length);
        inFlight.add(pool.submit(() -> deflate(data, length, dictionary, last)));
        block = new byte[BLOCK];
        filled = 0;
        while (inFlight.size() >= maxInFlight) {
            drainOne();
        }
    }

    private static byte[] concatTail(byte[] previous, byte[] data, int length) {
        byte[] joined = new byte[(previous == null ? 0 : previous.length) + length];
        if (previous != null) {
            System.arraycopy(previous, 0, joined, 0, previous.length);
        }
        System.arraycopy(data, 0, joined, joined.length - length, length);
        return joined.length <= DICTIONARY ? joined : Arrays.copyOfRange(joined, joined.length - DICTIONARY,
                joined.length);
    }

    private byte[] deflate(byte[] data, int length, byte[] dictionary, boolean last) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(data, 0, length);
            ByteArrayOutputStream result = new ByteArrayOutputStream(length / 3 + 64);
            byte[] buffer = new byte[64 * 1024];
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    result.write(buffer, 0, deflater.deflate(buffer));
                }
            } else {
                int n;
                do {
                    n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                    result.write(buffer, 0, n);
                } while (n == buffer.length || !deflater.needsInput());
            }
            return result.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private void drainOne() throws IOException {
        try {
            out.write(inFlight.poll().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing", e);
        } catch (ExecutionException e) {
            throw new IOException("compression failed", e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        submit(true);
        while (!inFlight.isEmpty()) {
            drainOne();
        }
        long c = crc.getValue();
        byte[] trailer = new byte[8];
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (c >>> (8 * i));
            trailer[4 + i] = (byte) (total >>> (8 * i));
        }
        out.write(trailer);
        out.close();
    }
}
