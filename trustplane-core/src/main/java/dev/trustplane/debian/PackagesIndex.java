package dev.trustplane.debian;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads a (decompressed) {@code Packages} index into {@link BinaryPackage}s. */
final class PackagesIndex {
    private static final Set<String> FIELDS = Set.of("package", "version", "architecture", "multi-arch", "source",
            "depends", "pre-depends", "provides", "conflicts", "breaks", "essential", "priority", "filename", "size",
            "sha256");

    private PackagesIndex() {
    }

    /** Parses every paragraph; entries that are malformed are counted in {@code skipped} and left out. */
    public static List<BinaryPackage> read(InputStream in, PackageOrigin origin, int[] skipped) {
        List<BinaryPackage> packages = new ArrayList<>();
        Deb822.parse(new InputStreamReader(in, StandardCharsets.UTF_8), FIELDS, p -> {
            try {
                packages.add(of(p, origin));
            } catch (RuntimeException e) {
                if (skipped != null) {
                    skipped[0]++;
                }
            }
        });
        return packages;
    }

    static BinaryPackage of(Deb822.Paragraph p, PackageOrigin origin) {
        DebianVersion version = DebianVersion.parse(p.get("Version"));
        String source = p.get("Source");
        String sourceName = null;
        String sourceVersion = null;
        if (source != null) {
            int paren = source.indexOf('(');
            if (paren >= 0) {
                sourceName = source.substring(0, paren).strip();
                sourceVersion = source.substring(paren + 1, source.indexOf(')', paren)).strip();
            } else {
                sourceName = source.strip();
            }
        }
        String sha = p.get("SHA256");
        String size = p.get("Size");
        String filename = p.get("Filename");
        if (sha == null || size == null || filename == null) {
            throw new IllegalArgumentException("incomplete paragraph");
        }
        return new BinaryPackage(p.get("Package").strip(), version, p.get("Architecture", "all").strip(),
                p.get("Multi-Arch"), sourceName, sourceVersion, p.get("Depends"), p.get("Pre-Depends"),
                p.get("Provides"), p.get("Conflicts"), p.get("Breaks"), "yes".equalsIgnoreCase(p.get("Essential")),
                p.get("Priority", "optional"), filename.strip(), Long.parseLong(size.strip()), sha.strip(), origin);
    }
}
