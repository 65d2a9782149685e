package dev.trustplane.oci.transfer;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies an image or a whole index between layouts and registries: blobs first (in parallel,
 * skipped when present, mounted when possible), then child manifests, then the root and its tag.
 * Manifest bytes are copied exactly, so digests never change.
 */
public final class ImageCopier {
    /** How many indexes may nest above an image manifest (real images use one, at most two). */
    public static final int MAX_INDEX_DEPTH = 8;

    private final RegistryClient client;
    private final EventListener listener;
    private final int parallelism;

    public ImageCopier(RegistryClient client, EventListener listener, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        this.client = client;
        this.listener = listener;
        this.parallelism = parallelism;
    }

    public CopyResult copy(Location from, Location to) {
        ImageSource source = ImageSource.open(from, client);
        ImageSink sink = switch (to) {
            case Location.Layout l -> new LayoutSink(l);
            case Location.Registry r -> new RegistrySink(r, client);
        };
        return sink.session(() -> run(source, sink, destinationTag(from, to)));
    }

    private CopyResult run(ImageSource source, ImageSink sink, String tag) {
        RawManifest root = source.resolve();
        if (sink.location() instanceof Location.Registry r && r.reference().digest() != null
                && !r.reference().digest().equals(root.digest())) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The destination " + r + " pins digest "
                    + r.reference().digest() + " but the source " + source.location() + " is " + root.digest()
                    + "; drop the digest from the destination or give a tag");
        }
        Counters counters = new Counters(new ProgressTracker(listener));
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "trustplane-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            copyTree(root, source, sink, pool, counters, 0);
        } finally {
            pool.shutdownNow();
        }
        sink.putRoot(root, tag);
        listener.info("copied " + source.location() + " to " + sink.location() + " (" + root.digest() + ")");
        return new CopyResult(root.digest(), root.mediaType(), counters.manifests.get() + 1, counters.copied.get(),
                counters.skipped.get(), counters.mounted.get(), counters.progress.bytes());
    }

    /**
     * Copies a manifest's blobs and, for an index, its children first; {@code depth} counts the
     * indexes above it, at most {@link #MAX_INDEX_DEPTH} (a hostile registry could nest them until
     * the stack overflows).
     */
    private void copyTree(RawManifest raw, ImageSource source, ImageSink sink, ExecutorService pool, Counters c,
            int depth) {
        if (depth > MAX_INDEX_DEPTH) {
            throw new LimitExceededException("index nesting depth", MAX_INDEX_DEPTH, "Image " + source.location()
                    + " (manifest " + raw.digest() + " lies " + depth + " indexes deep)");
        }
        Manifest manifest = raw.parse(OciLimits.DEFAULT, raw.digest() + " from " + source.location());
        switch (manifest) {
            case ImageIndex index -> {
                for (Descriptor child : index.manifests()) {
                    if (sink.hasManifest(child)) {
                        continue;
                    }
                    RawManifest childRaw = source.manifest(child);
                    copyTree(childRaw, source, sink, pool, c, depth + 1);
                    sink.putManifest(childRaw);
                    c.manifests.incrementAndGet();
                }
            }
            case ImageManifest image -> copyBlobs(image, source, sink, pool, c);
        }
    }

    private void copyBlobs(ImageManifest image, ImageSource source, ImageSink sink, ExecutorService pool, Counters c) {
        Map<String, Descriptor> unique = new LinkedHashMap<>();
        unique.put(image.config().digest().toString(), image.config());
        image.layers().forEach(l -> unique.putIfAbsent(l.digest().toString(), l));
        List<Future<?>> futures = new ArrayList<>();
        for (Descriptor blob : unique.values()) {
            futures.add(pool.submit(() -> {
                if (sink.hasBlob(blob)) {
                    c.skipped.incrementAndGet();
                    listener.debug("blob " + blob.digest().shortForm() + " already present in " + sink.location());
                } else if (sink.putBlob(blob, source, c.progress)) {
                    c.mounted.incrementAndGet();
                } else {
                    c.copied.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                futures.forEach(other -> other.cancel(true));
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new TrustplaneException(ErrorKind.IO, "Copying a blob failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrustplaneException(ErrorKind.IO, "Copy interrupted", e);
            }
        }
    }

    /** The destination's tag, else the source's, else none (the root is stored by digest). */
    static String destinationTag(Location from, Location to) {
        return switch (to) {
            case Location.Layout l -> l.digest() != null ? null : l.tag() != null ? l.tag() : sourceTag(from);
            case Location.Registry r -> r.reference().tag();
        };
    }

    private static String sourceTag(Location from) {
        return switch (from) {
            case Location.Layout l -> l.tag();
            case Location.Registry r -> r.reference().tag();
        };
    }

    private record Counters(ProgressTracker progress, AtomicInteger copied, AtomicInteger skipped,
            AtomicInteger mounted, AtomicInteger manifests) {
        Counters(ProgressTracker progress) {
            this(progress, new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
        }
    }
}
