package dev.trustplane.builder;

import dev.trustplane.debian.DebFile;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Unpacks every package of one architecture and variant into a {@link RootFs}: streams each
 * {@code .deb} (decoded in parallel), maps {@code /bin}, {@code /sbin} and {@code /lib*} into
 * {@code /usr} (merged /usr), then applies the spec's hardening. Maintainer scripts never run.
 */
final class AssembleRootfsStep {
    static final Set<String> MERGED = Set.of("bin", "sbin", "lib", "lib32", "lib64", "libx32", "libo32");

    private final ImageSpec spec;
    private final String architecture;
    private final List<LockedPackage> packages;
    private final PackageSource debs;
    private final int parallelism;

    /** Reads one locked package, handing its data entries to the visitor. */
    @FunctionalInterface
    interface PackageSource {
        DebFile.Control read(LockedPackage p, String what, DebFile.Visitor visitor);
    }

    AssembleRootfsStep(ImageSpec spec, String architecture, List<LockedPackage> packages, PackageSource debs,
            int parallelism) {
        this.spec = spec;
        this.architecture = architecture;
        this.packages = packages;
        this.debs = debs;
        this.parallelism = parallelism;
    }

    List<InstalledPackage> run(RootFs fs) {
        fs.directory("usr", 0755, 0, 0, "");
        for (String dir : List.of("bin", "sbin", "lib")) {
            fs.directory("usr/" + dir, 0755, 0, 0, "");
            fs.symlink(dir, "usr/" + dir, "");
        }
        if (architecture.equals("amd64")) {
            fs.directory("usr/lib64", 0755, 0, 0, "");
            fs.symlink("lib64", "usr/lib64", "");
        }
        List<InstalledPackage> installed = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallelism))) {
            List<Future<InstalledPackage>> futures = new ArrayList<>();
            for (LockedPackage p : packages) {
                futures.add(pool.submit(() -> unpack(fs, p)));
            }
            for (Future<InstalledPackage> f : futures) {
                installed.add(join(f));
            }
        }
        installed.sort(Comparator.comparing(i -> i.locked().name()));
        harden(fs);
        return installed;
    }

    private InstalledPackage unpack(RootFs fs, LockedPackage p) {
        String what = p.name() + "_" + p.version() + "_" + p.architecture() + ".deb";
        List<String> files = new ArrayList<>();
        String[] copyright = {null};
        DebFile.Control control = debs.read(p, what, (entry, content) -> {
            String path = mergedUsr(entry.path());
            switch (entry.type()) {
                case DIRECTORY -> fs.directory(path, entry.mode(), entry.uid(), entry.gid(), p.name());
                case SYMLINK -> {
                    if (MERGED.contains(entry.path()) && ("usr/" + entry.path()).equals(entry.linkTarget())) {
                        return;
                    }
                    fs.symlink(path, entry.linkTarget(), p.name());
                }
                case HARDLINK -> fs.hardlink(path, mergedUsr(entry.linkTarget()), p.name());
                case FILE -> {
                    RootFs.Content c = fs.content(content, entry.size(), path);
                    fs.file(path, entry.mode(), entry.uid(), entry.gid(), p.name(), c);
                    if (path.equals("usr/share/doc/" + p.name() + "/copyright") && c.inline() != null) {
                        copyright[0] = new String(c.inline(), StandardCharsets.UTF_8);
                    }
                }
            }
            files.add("/" + path);
        });
        String pkgName = control.fields().get("Package");
        if (pkgName == null || !pkgName.strip().equals(p.name())
                || !p.version().equals(control.fields().get("Version", "").strip())) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Package file " + what + " declares "
                    + pkgName + " " + control.fields().get("Version") + "; the archive index and the package disagree");
        }
        return new InstalledPackage(p, control.fields(), control.md5sums(), control.conffiles(), copyright[0], files);
    }

    /** {@code bin/sh} → {@code usr/bin/sh}: bookworm and trixie images use merged /usr. */
    static String mergedUsr(String path) {
        int slash = path.indexOf('/');
        String first = slash < 0 ? path : path.substring(0, slash);
        return MERGED.contains(first) ? "usr/" + path : path;
    }

    private void harden(RootFs fs) {
        if (spec.hardening().removeDocs()) {
            for (String dir : List.of("usr/share/man", "usr/share/info", "usr/share/lintian", "usr/share/linda")) {
                fs.removeTree(dir);
            }
            List<String> docs = new ArrayList<>(fs.under("usr/share/doc").keySet());
            for (String path : docs) {
                String rest = path.substring("usr/share/doc/".length());
                int slash = rest.indexOf('/');
                boolean keep = slash < 0 || rest.substring(slash + 1).equals("copyright");
                if (!keep) {
                    fs.remove(path);
                }
            }
        }
        if (spec.hardening().stripSetuid()) {
            for (RootFs.Node n : fs.nodes().values()) {
                if (n.type == RootFs.Type.FILE || n.type == RootFs.Type.HARDLINK) {
                    n.mode &= ~06000;
                }
            }
        }
    }

    private static InstalledPackage join(Future<InstalledPackage> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.IO, "Interrupted while unpacking packages", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new TrustplaneException(ErrorKind.IO, "Cannot unpack a package: " + e.getCause(), e.getCause());
        }
    }

}
