package dev.trustplane.oci.layout;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/** Mark and sweep over a layout: everything reachable from {@code index.json} stays. */
final class LayoutGc {
    private final OciLayout layout;
    private final OciLimits limits;

    LayoutGc(OciLayout layout, OciLimits limits) {
        this.layout = layout;
        this.limits = limits;
    }

    GcResult run(Duration grace) {
        Set<Digest> live = mark();
        Instant cutoff = Instant.now().minus(grace);
        int removed = 0;
        int kept = 0;
        int temps = 0;
        long freed = 0;
        Path blobs = layout.root().resolve("blobs");
        try (Stream<Path> algorithms = Files.isDirectory(blobs) ? Files.list(blobs) : Stream.empty()) {
            for (Path dir : algorithms.toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        String name = file.getFileName().toString();
                        if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
                            if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                                Files.deleteIfExists(file);
                                temps++;
                            }
                            continue;
                        }
                        Digest digest = asDigest(dir.getFileName() + ":" + name);
                        if (digest == null || live.contains(digest)
                                || Files.getLastModifiedTime(file).toInstant().isAfter(cutoff)) {
                            kept++;
                            continue;
                        }
                        long size = Files.size(file);
                        Files.delete(file);
                        removed++;
                        freed += size;
                    }
                }
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Garbage collection of " + layout.root() + " failed: " + e
                    + "; the layout is still consistent, run gc again once the cause is fixed", e);
        }
        return new GcResult(removed, freed, kept, temps);
    }

    private Set<Digest> mark() {
        Set<Digest> live = new HashSet<>();
        Deque<Descriptor> todo = new ArrayDeque<>(layout.index().manifests());
        while (!todo.isEmpty()) {
            Descriptor d = todo.pop();
            if (!live.add(d.digest()) || !MediaTypes.isManifest(d.mediaType()) || !layout.hasBlob(d.digest())) {
                continue;
            }
            Manifest m = layout.readManifest(d).parse(limits, d.digest() + " in " + layout.root());
            switch (m) {
                case ImageIndex index -> todo.addAll(index.manifests());
                case ImageManifest manifest -> {
                    live.add(manifest.config().digest());
                    manifest.layers().forEach(layer -> live.add(layer.digest()));
                }
            }
        }
        return live;
    }

    private static Digest asDigest(String text) {
        try {
            return Digest.parse(text);
        } catch (TrustplaneException e) {
            return null;
        }
    }
}
