package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Digest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Reads Debian archives the way apt does, without apt: each suite's {@code InRelease} is verified
 * against the keyring and its {@code Valid-Until}; each {@code Packages} index is fetched by its
 * hash from that release and checked before it is parsed.
 */
public final class DebianArchive {
    private static final long MAX_INRELEASE = 16L << 20;
    private static final long MAX_INDEX = 256L << 20;

    private final ContentCache cache;
    private final ArchiveKeyring keyring;
    private final Clock clock;
    private final EventListener listener;
    private final ArchiveHttp http = new ArchiveHttp();

    public DebianArchive(ContentCache cache, ArchiveKeyring keyring, Clock clock, EventListener listener) {
        this.cache = cache;
        this.keyring = keyring;
        this.clock = clock;
        this.listener = listener;
    }

    public ArchiveSnapshot load(List<ArchiveSource> sources, List<String> architectures) {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<SuiteRelease>> releases = new ArrayList<>();
            for (ArchiveSource source : sources) {
                for (String suite : source.suites()) {
                    releases.add(pool.submit(() -> release(source, suite)));
                }
            }
            List<SuiteRelease> verified = new ArrayList<>();
            for (Future<SuiteRelease> f : releases) {
                verified.add(join(f));
            }
            List<String> suiteOrder = verified.stream().map(SuiteRelease::suite).toList();
            Map<String, List<Future<List<BinaryPackage>>>> parts = new HashMap<>();
            int i = 0;
            for (ArchiveSource source : sources) {
                for (String suite : source.suites()) {
                    SuiteRelease release = verified.get(i++);
                    for (String component : source.components()) {
                        for (String arch : architectures) {
                            parts.computeIfAbsent(arch, a -> new ArrayList<>()).add(
                                    pool.submit(() -> index(source, release, component, arch)));
                        }
                    }
                }
            }
            Map<String, PackagePool> pools = new HashMap<>();
            for (String arch : architectures) {
                List<BinaryPackage> all = new ArrayList<>();
                for (Future<List<BinaryPackage>> f : parts.getOrDefault(arch, List.of())) {
                    all.addAll(join(f));
                }
                pools.put(arch, new PackagePool(arch, suiteOrder, all));
            }
            return new ArchiveSnapshot(verified, pools);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A suite's {@code InRelease} polled cheaply: {@code release} is null when the mirror answered
     * 304 to the validators of the previous poll or served exactly the bytes whose SHA-256 is
     * {@code knownSha256} (verified before); otherwise it was verified as {@link #load} does.
     */
    public record Polled(SuiteRelease release, String etag, String lastModified) {
    }

    public Polled poll(ArchiveSource source, String suite, String etag, String lastModified, String knownSha256) {
        URI uri = URI.create(source.url() + "/dists/" + suite + "/InRelease");
        ArchiveHttp.Conditional answer = http.getIfChanged(uri, MAX_INRELEASE, etag, lastModified);
        if (answer.body() == null || Digest.sha256(answer.body()).hex().equals(knownSha256)) {
            // 304, or a mirror without validators serving the very bytes verified last time
            return new Polled(null, answer.etag(), answer.lastModified());
        }
        return new Polled(verified(source, suite, uri, answer.body()), answer.etag(), answer.lastModified());
    }

    /** The packages of one component and architecture of a verified release, the index fetched by its hash. */
    public List<BinaryPackage> packages(ArchiveSource source, SuiteRelease release, String component, String arch) {
        try {
            return index(source, release, component, arch);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read the Packages index of " + release.suite() + " "
                    + component + "/" + arch + " from " + source.url() + ": " + e, e);
        }
    }

    private SuiteRelease release(ArchiveSource source, String suite) {
        URI uri = URI.create(source.url() + "/dists/" + suite + "/InRelease");
        return verified(source, suite, uri, http.get(uri, MAX_INRELEASE));
    }

    private SuiteRelease verified(ArchiveSource source, String suite, URI uri, byte[] bytes) {
        String text = keyring.verify(bytes, uri.toString(), clock.instant());
        ReleaseFile release = ReleaseFile.parse(text, uri.toString());
        if (!suite.equals(release.suite()) && !suite.equals(release.codename())) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Refusing " + uri + ": it is signed for suite "
                    + release.suite() + " (" + release.codename() + "), not " + suite + "; the mirror serves another"
                    + " suite under this name");
        }
        Instant now = clock.instant();
        if (release.validUntil() != null && now.isAfter(release.validUntil())) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Refusing " + uri + ": it expired at "
                    + release.validUntil() + " (Valid-Until) and may be a replay of old metadata; use a mirror that is"
                    + " up to date");
        }
        listener.debug("Verified " + uri + " (" + release.date() + ")");
        return new SuiteRelease(source.url().toString(), suite, release, Digest.sha256(bytes).hex());
    }

    private List<BinaryPackage> index(ArchiveSource source, SuiteRelease release, String component, String arch)
            throws IOException {
        String dir = component + "/binary-" + arch + "/";
        ReleaseFile.IndexEntry entry = null;
        String compression = null;
        for (String c : List.of("xz", "gz")) {
            entry = release.release().entry(dir + "Packages." + c).orElse(null);
            if (entry != null) {
                compression = c;
                break;
            }
        }
        if (entry == null) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Suite " + release.suite() + " of " + source.url()
                    + " has no Packages index for " + component + "/" + arch + "; check `components` and"
                    + " `architectures` in the image spec");
        }
        if (entry.size() > MAX_INDEX) {
            throw new LimitExceededException("Packages index size", MAX_INDEX, entry.path());
        }
        String path = release.release().acquireByHash() ? dir + "by-hash/SHA256/" + entry.sha256() : entry.path();
        URI uri = URI.create(source.url() + "/dists/" + release.suite() + "/" + path);
        ReleaseFile.IndexEntry want = entry;
        Path file = cache.get(want.sha256(), want.size()).orElseGet(() -> http.withRetries(uri,
                body -> cache.put(want.sha256(), want.size(), body, uri.toString())));
        PackageOrigin origin = new PackageOrigin(source.url().toString(), release.suite(), component);
        int[] skipped = {0};
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream in = "xz".equals(compression) ? new XZInputStream(raw) : new GZIPInputStream(raw)) {
            List<BinaryPackage> packages = PackagesIndex.read(in, origin, skipped);
            if (skipped[0] > 0) {
                listener.warn("Skipped " + skipped[0] + " malformed entries in " + uri);
            }
            return packages;
        }
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while reading the archive", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new TrustplaneException(ErrorKind.IO, "Cannot read the archive: " + e.getCause(), e.getCause());
        }
    }
}
