package dev.trustplane.builder;

import dev.trustplane.config.Directories;
import dev.trustplane.debian.ArchiveKeyring;
import dev.trustplane.debian.ArchiveSnapshot;
import dev.trustplane.debian.ContentCache;
import dev.trustplane.debian.DebianArchive;
import dev.trustplane.debian.PackageFetcher;
import dev.trustplane.debian.UnpackedPackages;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The image builder's entry point: {@link #lock} resolves a spec against the signed archives,
 * {@link #build} turns a lock into images in an OCI layout — fetch, assemble, system files,
 * layers, configuration, manifests, SBOMs — as named steps. The same lock gives the same digests.
 */
public final class ImageBuilder {
    private final Path cacheDir;
    private final EventListener listener;
    private final Clock clock;
    private final int parallelism;

    public ImageBuilder(Path cacheDir, EventListener listener, Clock clock, int parallelism) {
        this.cacheDir = cacheDir;
        this.listener = listener;
        this.clock = clock;
        this.parallelism = Math.max(1, parallelism);
    }

    /** The default cache: $TRUSTPLANE_CACHE, else $XDG_CACHE_HOME/trustplane, else ~/.cache/trustplane. */
    public static Path defaultCache(Map<String, String> env) {
        return Directories.cache(env);
    }

    private ContentCache cache() {
        return new ContentCache(cacheDir.resolve("content"), listener);
    }

    /**
     * Resolves the spec. When {@code previous} pins the same packages, its SOURCE_DATE_EPOCH is
     * kept, so relocking an unchanged package set does not change image digests.
     */
    public Lockfile lock(ImageSpec spec, Lockfile previous) {
        return lock(spec, snapshot(spec), previous);
    }

    /** The verified archive state {@code spec} resolves against: its archives, keyring and architectures. */
    public ArchiveSnapshot snapshot(ImageSpec spec) {
        ArchiveKeyring keyring = ArchiveKeyring.load(spec.keyring());
        return new DebianArchive(cache(), keyring, clock, listener).load(spec.archives(), spec.architectures());
    }

    /** {@link #lock(ImageSpec, Lockfile)} against a snapshot already loaded (shared by specs of one archive). */
    public Lockfile lock(ImageSpec spec, ArchiveSnapshot snapshot, Lockfile previous) {
        Lockfile lock = Locker.lock(spec, snapshot);
        if (previous != null && previous.packages().equals(lock.packages())) {
            lock = new Lockfile(lock.version(), lock.specName(), lock.specSha256(), lock.release(),
                    previous.sourceDateEpoch(), lock.archives(), lock.packages());
        }
        return lock;
    }

    /** Builds every variant and architecture of {@code lock} into {@code layout}, tagged {@code tag} and {@code tag-dev}. */
    public BuildResult build(ImageSpec spec, Lockfile lock, OciLayout layout, String tag) {
        if (!lock.release().equals(spec.release())) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The lockfile is for " + lock.release()
                    + " but the spec asks for " + spec.release() + "; run `trustplane lock` again");
        }
        List<PackageFetcher.Wanted> wanted = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (String arch : spec.architectures()) {
            for (String variant : spec.variants()) {
                for (LockedPackage p : lock.packages(arch, variant)) {
                    if (seen.put(p.sha256(), true) == null) {
                        wanted.add(new PackageFetcher.Wanted(p.name(), p.archive(), p.filename(), p.size(),
                                p.sha256()));
                    }
                }
            }
        }
        long t0 = System.nanoTime();
        UnpackedPackages unpacked = new UnpackedPackages(cacheDir.resolve("unpacked"), listener);
        PackageFetcher fetcher = new PackageFetcher(cache(), listener, parallelism * 2);
        Map<String, PackageFetcher.Wanted> bySha = new HashMap<>();
        wanted.forEach(w -> bySha.put(w.sha256(), w));
        Map<String, Path> debs = new ConcurrentHashMap<>(
                fetcher.fetch(wanted.stream().filter(w -> !unpacked.has(w.sha256())).toList()));
        listener.debug("Fetched and verified " + debs.size() + " of " + wanted.size() + " packages ("
                + (wanted.size() - debs.size()) + " already unpacked) in " + (System.nanoTime() - t0) / 1_000_000
                + " ms");
        AssembleRootfsStep.PackageSource source = (p, what, visitor) -> unpacked.read(p.sha256(),
                () -> debs.computeIfAbsent(p.sha256(), sha -> fetcher.one(bySha.get(sha))), what, visitor);
        Path temp = cacheDir.resolve("tmp");
        List<BuildResult.Variant> results = new ArrayList<>();
        // Everything is written to the layout first; tags move only once every variant succeeded.
        List<Runnable> tagging = new ArrayList<>();
        for (String variant : spec.variants()) {
            Map<String, Descriptor> manifests = new LinkedHashMap<>();
            List<Descriptor> sboms = new ArrayList<>();
            int count = 0;
            for (String arch : spec.architectures()) {
                List<LockedPackage> packages = lock.packages(arch, variant);
                count = Math.max(count, packages.size());
                ImageAssembly.Output out = new ImageAssembly(spec, lock, variant, arch, packages, source, temp,
                        parallelism, listener).run(layout);
                manifests.put(arch, out.manifest());
                sboms.addAll(out.sboms());
            }
            Descriptor top;
            if (manifests.size() == 1) {
                top = manifests.values().iterator().next();
            } else {
                ImageIndex index = ImageIndex.of(new ArrayList<>(manifests.values()));
                RawManifest raw = index.toRaw();
                layout.writeManifest(raw);
                top = Descriptor.of(MediaTypes.OCI_INDEX, raw.digest(), raw.size());
            }
            String variantTag = variant.equals("runtime") ? tag : tag + "-" + variant;
            Descriptor finalTop = top;
            tagging.add(() -> layout.tag(variantTag, finalTop));
            results.add(new BuildResult.Variant(variant, variantTag, top, manifests, count, sboms));
        }
        layout.locked(() -> {
            tagging.forEach(Runnable::run);
            return null;
        });
        return new BuildResult(results);
    }

    static Platform platform(String arch) {
        return arch.equals("arm64") ? new Platform("linux", "arm64", "v8", null, List.of())
                : Platform.of("linux", arch);
    }
}
