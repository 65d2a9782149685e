package dev.trustplane.catalog;

import dev.trustplane.builder.ImageSpec;
import dev.trustplane.debian.ArchiveKeyring;
import dev.trustplane.debian.ArchiveSource;
import dev.trustplane.debian.BinaryPackage;
import dev.trustplane.debian.ContentCache;
import dev.trustplane.debian.DebianArchive;
import dev.trustplane.debian.SuiteRelease;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Watches the suites a catalog's specs resolve against: each suite's {@code InRelease} is polled
 * with a conditional GET (one round trip and no body when nothing changed); a changed one is
 * verified as the builder verifies it, its {@code Packages} indices are fetched by hash, and every
 * package version not seen before is recorded with the {@code Date} of that release — the moment
 * the fix appeared, from which time-to-patch is measured. A suite that fails verification records
 * nothing and keeps its previous state.
 */
public final class ArchiveWatcher {
    private final CatalogStore store;
    private final Path cacheDir;
    private final Clock clock;
    private final EventListener listener;
    /** One archive client per keyring file version, kept between polls: its HTTP connections stay open. */
    private final Map<String, DebianArchive> archives = new ConcurrentHashMap<>();

    public ArchiveWatcher(CatalogStore store, Path cacheDir, Clock clock, EventListener listener) {
        this.store = store;
        this.cacheDir = cacheDir;
        this.clock = clock;
        this.listener = listener;
    }

    /** What one suite's poll found. {@code problem} is set when it could not be polled or verified. */
    public record SuiteResult(String archive, String suite, boolean changed, Instant releaseDate, int newVersions,
            boolean baseline, String problem) {
    }

    /** One poll of every watched suite. */
    public record Poll(Instant at, List<SuiteResult> suites, Duration took) {
        public Poll {
            suites = List.copyOf(suites);
        }

        /** Whether any suite published a new release since the last poll. */
        public boolean changed() {
            return suites.stream().anyMatch(SuiteResult::changed);
        }
    }

    /** A suite to watch: where, with which keyring, for which components and architectures. */
    record Target(ArchiveSource source, String suite, Path keyring, TreeSet<String> architectures) {
    }

    public Poll poll(Catalog catalog) {
        long t0 = System.nanoTime();
        Instant now = clock.instant();
        List<SuiteResult> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SuiteResult>> polls = new ArrayList<>();
            for (Target t : targets(catalog)) {
                polls.add(pool.submit(() -> poll(t, now)));
            }
            for (Future<SuiteResult> f : polls) {
                results.add(join(f));
            }
        }
        return new Poll(now, results, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static SuiteResult join(Future<SuiteResult> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while polling the archive", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    static List<Target> targets(Catalog catalog) {
        Map<String, Target> targets = new LinkedHashMap<>();
        for (Catalog.Entry e : catalog.images()) {
            ImageSpec spec = e.spec();
            if (spec == null) {
                continue;
            }
            for (ArchiveSource source : spec.archives()) {
                for (String suite : source.suites()) {
                    String key = source.url() + " " + suite + " " + source.components() + " " + spec.keyring();
                    targets.computeIfAbsent(key, k -> new Target(source, suite, spec.keyring(), new TreeSet<>()))
                            .architectures().addAll(spec.architectures());
                }
            }
        }
        return new ArrayList<>(targets.values());
    }

    private static String modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toString();
        } catch (IOException e) {
            return "missing"; // ArchiveKeyring.load says so clearly
        }
    }

    private SuiteResult poll(Target t, Instant now) {
        String archive = t.source().url().toString();
        Optional<CatalogStore.SuiteState> previous = store.suite(archive, t.suite());
        try {
            DebianArchive debian = archives.computeIfAbsent(t.keyring() + " " + modified(t.keyring()),
                    k -> new DebianArchive(new ContentCache(cacheDir.resolve("content"), listener),
                            ArchiveKeyring.load(t.keyring()), clock, listener));
            DebianArchive.Polled polled = debian.poll(t.source(), t.suite(),
                    previous.map(CatalogStore.SuiteState::etag).orElse(null),
                    previous.map(CatalogStore.SuiteState::lastModified).orElse(null),
                    previous.map(CatalogStore.SuiteState::inReleaseSha256).orElse(null));
            SuiteRelease release = polled.release();
            if (release == null || previous.isPresent()
                    && Objects.equals(previous.get().inReleaseSha256(), release.inReleaseSha256())) {
                CatalogStore.SuiteState p = previous.orElseThrow();
                store.recordPoll(new CatalogStore.SuiteState(archive, t.suite(), polled.etag(), polled.lastModified(),
                        p.inReleaseSha256(), p.releaseDate(), now, p.changedAt()), List.of(), now, now, false);
                return new SuiteResult(archive, t.suite(), false, p.releaseDate(), 0, false, null);
            }
            List<BinaryPackage> packages = new ArrayList<>();
            for (String component : t.source().components()) {
                for (String arch : t.architectures()) {
                    packages.addAll(debian.packages(t.source(), release, component, arch));
                }
            }
            boolean baseline = previous.isEmpty();
            Instant date = release.release().date();
            int added = store.recordPoll(new CatalogStore.SuiteState(archive, t.suite(), polled.etag(),
                    polled.lastModified(), release.inReleaseSha256(), date, now, now), packages, date, now, baseline);
            listener.info("archive " + archive + " " + t.suite() + ": release of " + date + ", " + added
                    + " new package versions" + (baseline ? " (first poll: recorded as the baseline)" : ""));
            return new SuiteResult(archive, t.suite(), true, date, added, baseline, null);
        } catch (TrustplaneException e) {
            listener.warn("archive " + archive + " " + t.suite() + ": " + e.getMessage());
            return new SuiteResult(archive, t.suite(), false, previous.map(CatalogStore.SuiteState::releaseDate)
                    .orElse(null), 0, false, e.getMessage());
        }
    }
}
