package dev.trustplane.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.trustplane.debian.Copyright;
import dev.trustplane.debian.Deb822;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.transfer.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds the packages of an image that carries no SBOM: Debian packages from
 * {@code /var/lib/dpkg/status}, {@code status.d/*}, {@code os-release} and copyright files, and
 * language packages from Python {@code *.dist-info/METADATA}, npm {@code node_modules/…/package.json}
 * and the {@code pom.properties} inside JARs — read straight from the layer tars (streamed and
 * digest-verified, never extracted), applying whiteouts layer by layer.
 */
public final class PackageDetector {
    private static final long MAX_FILE = 64L << 20;

    /** What was found: the image digest, the distro ({@code debian-12}) and the packages. */
    public record Detected(String image, String distro, String distroName, List<SbomPackage> packages) {
        public Detected {
            packages = List.copyOf(packages);
        }
    }

    private final Map<String, byte[]> files = new TreeMap<>();
    private final Map<String, String> links = new HashMap<>();
    /** Hard links to package-database files whose target no read of their layer found. */
    private final Map<String, String> unresolved = new TreeMap<>();
    /** Hard links of the current layer whose target was not recorded: link path -> target path. */
    private final Map<String, String> pendingHardLinks = new HashMap<>();
    private String location;

    public static Detected detect(ImageSource source, Platform platform) {
        return detectImage(source, source.image(platform));
    }

    /** Detects the packages of {@code image}, an image manifest of {@code source}. */
    public static Detected detectImage(ImageSource source, Descriptor image) {
        if (!(source.manifest(image).parse() instanceof ImageManifest manifest)) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Image " + source.location() + " is not an image");
        }
        PackageDetector d = new PackageDetector();
        d.location = source.location().toString();
        for (Descriptor layer : manifest.layers()) {
            d.layer(source, layer);
        }
        return d.result(image.digest().toString());
    }

    private static final Pattern NPM_MANIFEST = Pattern.compile(
            "(?:.*/)?node_modules/(?:@[^/]+/)?[^/]+/package\\.json");
    private static final long MAX_JAR = 1L << 30;
    /** PEP 503 name normalisation: runs of these become one '-'. */
    private static final Pattern PYPI_SEPARATORS = Pattern.compile("[-_.]+");
    private static final int MAX_POM_PROPERTIES = 64 << 10;

    /**
     * One reader for every package.json (a mapper per file cost a mapper's set-up per npm
     * package), created on the first one: most images have none.
     */
    private static final class PackageJson {
        static final ObjectReader READER =
                Json.mapper().reader();
    }

    private static boolean python(String path) {
        return (path.contains("/site-packages/") || path.contains("/dist-packages/"))
                && (path.endsWith(".dist-info/METADATA") || path.endsWith(".egg-info/PKG-INFO"));
    }

    private static boolean interesting(String path) {
        return python(path) || (path.endsWith("/package.json") && path.contains("node_modules/")
                && NPM_MANIFEST.matcher(path).matches())
                || path.equals("var/lib/dpkg/status") || path.startsWith("var/lib/dpkg/status.d/")
                || path.equals("etc/os-release") || path.equals("usr/lib/os-release")
                || (path.startsWith("usr/share/doc/") && path.endsWith("/copyright") && path.chars()
                .filter(c -> c == '/').count() == 4);
    }

    /** Records the packages a layer adds, changes and whites out, read by {@link LayerReader}. */
    private void layer(ImageSource source, Descriptor layer) {
        pendingHardLinks.clear();
        LayerReader.read(source, layer, new LayerReader.Recorder() {
            @Override
            public void entries(LayerTar tar) throws IOException {
                PackageDetector.this.entries(tar);
            }

            @Override
            public Runnable checkpoint() {
                Map<String, byte[]> filesBefore = new TreeMap<>(files);
                Map<String, String> linksBefore = new HashMap<>(links);
                Map<String, String> unresolvedBefore = new TreeMap<>(unresolved);
                return () -> {
                    files.clear();
                    files.putAll(filesBefore);
                    links.clear();
                    links.putAll(linksBefore);
                    unresolved.clear();
                    unresolved.putAll(unresolvedBefore);
                    pendingHardLinks.clear();
                };
            }
        });
        if (!pendingHardLinks.isEmpty()) {
            hardLinkTargets(source, layer);
        }
    }

    /**
     * Reads the layer again for the targets of hard links to package-database files whose target
     * was not recorded the first time (a path detection does not look at, such as a dpkg status
     * file archived after a copy of it elsewhere): tar names the target before the link, so the
     * content is only known once the link is seen. Rare, hence a second read rather than keeping
     * every file.
     */
    private void hardLinkTargets(ImageSource source, Descriptor layer) {
        Map<String, String> wanted = new HashMap<>(pendingHardLinks);
        Map<String, byte[]> found = new HashMap<>();
        LayerReader.read(source, layer, new LayerReader.Recorder() {
            @Override
            public void entries(LayerTar tar) throws IOException {
                Set<String> targets = new HashSet<>(wanted.values());
                LayerTar.Entry e;
                while ((e = tar.next()) != null && found.size() < targets.size()) {
                    String path = normalise(e.name());
                    if (e.type() == LayerTar.Type.FILE && targets.contains(path) && !found.containsKey(path)) {
                        if (e.size() > MAX_FILE) {
                            throw new LimitExceededException("package database file size", MAX_FILE, path);
                        }
                        found.put(path, tar.content().readNBytes((int) e.size()));
                    }
                }
            }

            @Override
            public Runnable checkpoint() {
                return found::clear;
            }
        });
        wanted.forEach((path, target) -> {
            byte[] content = found.get(target);
            if (content != null) {
                files.put(path, content);
                pendingHardLinks.remove(path);
            }
        });
        unresolved.putAll(pendingHardLinks);
        pendingHardLinks.clear();
    }

    /** Records what the tar's entries add, change and white out. */
    private void entries(LayerTar tar) throws IOException {
        LayerTar.Entry e;
        while ((e = tar.next()) != null) {
            String path = normalise(e.name());
            int slash = path.lastIndexOf('/');
            String name = path.substring(slash + 1);
            String dir = path.substring(0, slash + 1);
            if (name.startsWith(".wh.")) {
                whiteout(dir, name);
                continue;
            }
            if (e.isFile() && (path.endsWith(".jar") || path.endsWith(".war"))) {
                jar(path, tar.content(), e.size());
                continue;
            }
            if (e.isFile() && (e.mode() & 0111) != 0 && e.size() > 4096) {
                goBinary(path, tar.content());
                continue;
            }
            if (!interesting(path)) {
                continue;
            }
            switch (e.type()) {
                case SYMLINK -> {
                    files.remove(path);
                    unresolved.remove(path);
                    links.put(path, e.linkName());
                }
                case HARDLINK -> {
                    // the same file as an earlier entry of this layer, named from the archive's root
                    String target = normalise(e.linkName());
                    files.remove(path);
                    links.remove(path);
                    unresolved.remove(path);
                    if (files.containsKey(target)) {
                        files.put(path, files.get(target));
                    } else if (links.containsKey(target)) {
                        links.put(path, links.get(target));
                    } else {
                        pendingHardLinks.put(path, target);
                    }
                }
                case FILE -> {
                    if (e.size() > MAX_FILE) {
                        throw new LimitExceededException("package database file size", MAX_FILE, path);
                    }
                    links.remove(path);
                    unresolved.remove(path);
                    files.put(path, tar.content().readNBytes((int) e.size()));
                }
                case OTHER -> {
                    // a directory or device under a package database path holds no records
                }
            }
        }
    }

    /** Applies a whiteout: {@code .wh..wh..opq} empties its directory, {@code .wh.NAME} removes NAME. */
    private void whiteout(String dir, String name) {
        if (name.equals(".wh..wh..opq")) {
            files.keySet().removeIf(p -> p.startsWith(dir));
            links.keySet().removeIf(p -> p.startsWith(dir));
            unresolved.keySet().removeIf(p -> p.startsWith(dir));
            return;
        }
        String gone = dir + name.substring(4);
        files.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/") || p.startsWith(gone + "!"));
        links.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
        unresolved.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
    }

    /** Records the Maven coordinates a JAR declares (META-INF/maven/G/A/pom.properties), streaming it. */
    private void jar(String path, InputStream content, long size) throws IOException {
        if (size > MAX_JAR) {
            throw new LimitExceededException("JAR size", MAX_JAR, path);
        }
        files.keySet().removeIf(p -> p.startsWith(path + "!"));
        ZipInputStream zip = new ZipInputStream(content);
        try {
            ZipEntry z;
            while ((z = zip.getNextEntry()) != null) {
                String name = z.getName();
                if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                    files.put(path + "!/" + name, zip.readNBytes(MAX_POM_PROPERTIES));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // not a readable zip: nothing to record for it (the tar reader skips the rest of the entry)
        }
    }

    /** Records the modules of a Go binary as {@code path!go} (one "module version" per line). */
    private void goBinary(String path, InputStream content) throws IOException {
        files.remove(path + "!go");
        List<GoBuildInfo.Module> modules = GoBuildInfo.read(content);
        if (!modules.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            modules.forEach(m -> sb.append(m.path()).append(' ').append(m.version()).append('\n'));
            files.put(path + "!go", sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The path without a leading '/' or "./", empty and "." segments and a trailing '/'. */
    static String normalise(String name) {
        if (normal(name)) {
            return name; // most archived names (and each allocation here counts: ~4,000 entries a layer)
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.append(out.isEmpty() ? "" : "/").append(part);
            }
        }
        return out.toString();
    }

    private static boolean normal(String name) {
        int segment = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '/') {
                if (i == segment || (i == segment + 1 && name.charAt(segment) == '.')) {
                    return false;
                }
                segment = i + 1;
            }
        }
        return true;
    }

    private byte[] file(String path) {
        byte[] direct = files.get(path);
        if (direct != null) {
            return direct;
        }
        String target = links.get(path);
        if (target == null) {
            return null;
        }
        String resolved = target.startsWith("/") ? normalise(target)
                : normalise(Path.of("/" + path).getParent().resolve(target).normalize().toString());
        return files.get(resolved);
    }

    /** npm, PyPI and Maven packages from their metadata files, one per purl, sorted by purl. */
    private List<SbomPackage> languagePackages() {
        Map<String, SbomPackage> found = new TreeMap<>();
        files.forEach((path, bytes) -> {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (python(path)) {
                Map<String, String> headers = new HashMap<>();
                for (String line : text.split("\n")) {
                    if (line.isBlank()) {
                        break;
                    }
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                    }
                }
                String name = headers.get("Name");
                String version = headers.get("Version");
                if (name != null && version != null) {
                    String normalised = PYPI_SEPARATORS.matcher(name.toLowerCase(Locale.ROOT))
                            .replaceAll("-");
                    String purl = "pkg:pypi/" + normalised + "@" + version;
                    found.put(purl, SbomPackage.language(normalised, version, purl));
                }
            } else if (path.endsWith("/package.json")) {
                try {
                    JsonNode json = PackageJson.READER.readTree(bytes);
                    String name = json.path("name").asText(null);
                    String version = json.path("version").asText(null);
                    if (name != null && version != null) {
                        String purl = "pkg:npm/" + name.replace("@", "%40") + "@" + version;
                        found.put(purl, SbomPackage.language(name, version, purl));
                    }
                } catch (IOException e) {
                    // a broken package.json names no package
                }
            } else if (path.endsWith("!go")) {
                for (String line : text.split("\n")) {
                    int space = line.indexOf(' ');
                    if (space > 0) {
                        String module = line.substring(0, space);
                        String version = line.substring(space + 1);
                        String purl = "pkg:golang/" + module + "@" + version;
                        found.put(purl, SbomPackage.language(module, version, purl));
                    }
                }
            } else if (path.contains("!/META-INF/maven/")) {
                Properties pom = new Properties();
                try {
                    pom.load(new StringReader(text));
                } catch (IOException e) {
                    return;
                }
                String g = pom.getProperty("groupId");
                String a = pom.getProperty("artifactId");
                String v = pom.getProperty("version");
                if (g != null && a != null && v != null) {
                    String purl = "pkg:maven/" + g + "/" + a + "@" + v;
                    found.put(purl, SbomPackage.language(g + ":" + a, v, purl));
                }
            }
        });
        return new ArrayList<>(found.values());
    }

    private static boolean dpkgDatabase(String path) {
        return path.equals("var/lib/dpkg/status") || path.startsWith("var/lib/dpkg/status.d/");
    }

    /**
     * Refuses an image whose dpkg database holds an entry detection could not read — a hard link
     * whose target its layer does not hold, a symbolic link to a file outside what detection reads
     * — so that a scan never reports such an image as clean for want of packages.
     */
    private void unreadableDatabase() {
        List<String> problems = new ArrayList<>();
        unresolved.forEach((path, target) -> {
            if (dpkgDatabase(path)) {
                problems.add("/" + path + " is a hard link to /" + target + ", which its layer does not hold");
            }
        });
        links.forEach((path, target) -> {
            if (dpkgDatabase(path) && !files.containsKey(path) && file(path) == null) {
                problems.add("/" + path + " is a symbolic link to " + target + ", which Trustplane cannot read");
            }
        });
        if (!problems.isEmpty()) {
            problems.sort(null);
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Image " + location + ": its dpkg database cannot"
                    + " be read whole (" + String.join("; ", problems) + "), so its packages cannot be listed and"
                    + " it must not be reported as clean — attach an SBOM to the image (trustplane attach) and scan"
                    + " that");
        }
    }

    private Detected result(String image) {
        Map<String, String> os = new HashMap<>();
        byte[] osRelease = file("etc/os-release");
        if (osRelease == null) {
            osRelease = file("usr/lib/os-release");
        }
        if (osRelease != null) {
            for (String line : new String(osRelease, StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    os.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip().replace("\"", ""));
                }
            }
        }
        String versionId = os.getOrDefault("VERSION_ID", "");
        String distro = os.getOrDefault("ID", "debian") + (versionId.isEmpty() ? "" : "-" + versionId);
        unreadableDatabase();
        List<Deb822.Paragraph> paragraphs = new ArrayList<>();
        files.forEach((path, bytes) -> {
            if (path.equals("var/lib/dpkg/status") || (path.startsWith("var/lib/dpkg/status.d/")
                    && !path.endsWith(".md5sums"))) {
                paragraphs.addAll(Deb822.parse(new String(bytes, StandardCharsets.UTF_8)));
            }
        });
        Map<String, SbomPackage> packages = new TreeMap<>();
        for (Deb822.Paragraph p : paragraphs) {
            String name = p.get("Package");
            String version = p.get("Version");
            String status = p.get("Status", "install ok installed");
            if (name == null || version == null || !status.endsWith(" installed")) {
                continue;
            }
            String arch = p.get("Architecture", "all");
            String source = p.get("Source", name).strip();
            String sourceVersion = version;
            int paren = source.indexOf('(');
            if (paren >= 0) {
                // "Source: name (version)"; a status file cut short ("name (1.2") keeps what is there
                int close = source.indexOf(')', paren);
                String inside = source.substring(paren + 1, close < 0 ? source.length() : close).strip();
                sourceVersion = inside.isEmpty() ? version : inside;
                source = source.substring(0, paren).strip();
                if (source.isEmpty()) {
                    source = name;
                }
            }
            byte[] copyright = files.get("usr/share/doc/" + name + "/copyright");
            List<Copyright.License> licenses = copyright == null ? List.of()
                    : Copyright.licenses(new String(copyright, StandardCharsets.UTF_8));
            String purl = Purls.deb(os.getOrDefault("ID", "debian"), name, version, arch, distro, source,
                    sourceVersion);
            packages.put(name + ":" + arch, new SbomPackage(name, version, arch, source, sourceVersion, null, purl,
                    licenses, List.of()));
        }
        List<SbomPackage> list = new ArrayList<>(packages.values());
        list.sort(Comparator.comparing(SbomPackage::name));
        list.addAll(languagePackages());
        return new Detected(image, distro, os.getOrDefault("PRETTY_NAME", distro), list);
    }
}
