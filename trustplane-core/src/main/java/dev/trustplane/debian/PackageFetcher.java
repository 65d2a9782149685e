package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.Event;
import dev.trustplane.event.EventListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.LongConsumer;

/**
 * Downloads {@code .deb} files in parallel into the content-addressed cache, each checked against
 * the SHA256 and size the signed index gave. A cached package is re-hashed before use.
 */
public final class PackageFetcher {
    private final ContentCache cache;
    private final EventListener listener;
    private final int parallelism;
    private final ArchiveHttp http = new ArchiveHttp();

    /** What to fetch: base URL of the archive, pool path, size and SHA256. */
    public record Wanted(String name, String archive, String filename, long size, String sha256) {
    }

    public PackageFetcher(ContentCache cache, EventListener listener, int parallelism) {
        this.cache = cache;
        this.listener = listener;
        this.parallelism = Math.max(1, parallelism);
    }

    /** Returns the cached file of every wanted package, keyed by SHA256. */
    public Map<String, Path> fetch(List<Wanted> wanted) {
        Semaphore permits = new Semaphore(parallelism);
        Map<String, Path> result = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Path>> futures = new ArrayList<>();
            for (Wanted w : wanted) {
                futures.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        return one(w);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (int i = 0; i < wanted.size(); i++) {
                result.put(wanted.get(i).sha256(), join(futures.get(i)));
            }
        }
        return result;
    }

    /** Fetches (or finds in the cache) one package. */
    public Path one(Wanted w) {
        return cache.get(w.sha256(), w.size()).orElseGet(() -> {
            URI uri = URI.create(w.archive() + "/" + w.filename());
            String task = "deb:" + w.sha256();
            listener.on(new Event.Progress(task, w.name(), 0, w.size(), false));
            Path path = http.withRetries(uri, body -> cache.put(w.sha256(), w.size(), new CountingStream(body,
                    n -> listener.on(new Event.Progress(task, w.name(), n, w.size(), false))), uri.toString()));
            listener.on(new Event.Progress(task, w.name(), w.size(), w.size(), true));
            return path;
        });
    }

    private static Path join(Future<Path> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while fetching packages", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new TrustplaneException(ErrorKind.IO, "Cannot fetch a package: " + e.getCause(), e.getCause());
        }
    }

    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer progress;
        private long count;
        private long reported;

        CountingStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count += r;
                if (count - reported > (256 << 10)) {
                    reported = count;
                    progress.accept(count);
                }
            }
            return r;
        }
    }
}
