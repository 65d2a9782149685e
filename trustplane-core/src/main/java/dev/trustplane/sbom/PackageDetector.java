package dev.trustplane.sbom;

import dev.trustplane.debian.Copyright;
import dev.trustplane.debian.Deb822;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.transfer.ImageSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Finds the Debian packages of an image that carries no SBOM: reads {@code /var/lib/dpkg/status},
 * {@code status.d/*}, {@code os-release} and copyright files straight from the layer tars
 * (streamed and digest-verified, never extracted), applying whiteouts layer by layer.
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

    public static Detected detect(ImageSource source, Platform platform) {
        RawManifest root = source.resolve();
        Descriptor image = root.descriptor();
        Manifest parsed = root.parse();
        if (parsed instanceof ImageIndex index) {
            Platform want = platform == null ? Platform.of("linux", "amd64") : platform;
            image = index.manifests().stream().filter(d -> d.platform() != null && d.platform().matches(want))
                    .findFirst().orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND, "Image "
                            + source.location() + " has no " + want + " image in its index"));
            parsed = source.manifest(image).parse();
        }
        if (!(parsed instanceof ImageManifest manifest)) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Image " + source.location() + " is not an image");
        }
        PackageDetector d = new PackageDetector();
        for (Descriptor layer : manifest.layers()) {
            d.layer(source, layer);
        }
        return d.result(image.digest().toString());
    }

    private static boolean interesting(String path) {
        return path.equals("var/lib/dpkg/status") || path.startsWith("var/lib/dpkg/status.d/")
                || path.equals("etc/os-release") || path.equals("usr/lib/os-release")
                || (path.startsWith("usr/share/doc/") && path.endsWith("/copyright") && path.chars()
                .filter(c -> c == '/').count() == 4);
    }

    private void layer(ImageSource source, Descriptor layer) {
        String type = layer.mediaType();
        if (type.endsWith("zstd")) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Layer " + layer.digest() + " of "
                    + source.location() + " is zstd-compressed, which package detection does not read yet");
        }
        try (InputStream blob = new BufferedInputStream(source.blob(layer), 1 << 16);
             InputStream in = type.equals(MediaTypes.OCI_LAYER) || type.endsWith(".tar") ? blob
                     : new GZIPInputStream(blob, 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = normalise(e.getName());
                String name = path.substring(path.lastIndexOf('/') + 1);
                String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
                if (name.equals(".wh..wh..opq")) {
                    files.keySet().removeIf(p -> p.startsWith(dir));
                    links.keySet().removeIf(p -> p.startsWith(dir));
                    continue;
                }
                if (name.startsWith(".wh.")) {
                    String gone = dir + name.substring(4);
                    files.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
                    links.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
                    continue;
                }
                if (!interesting(path)) {
                    continue;
                }
                if (e.isSymbolicLink()) {
                    files.remove(path);
                    links.put(path, e.getLinkName());
                } else if (e.isFile()) {
                    if (e.getSize() > MAX_FILE) {
                        throw new LimitExceededException("package database file size", MAX_FILE, path);
                    }
                    links.remove(path);
                    files.put(path, tar.readNBytes((int) e.getSize()));
                }
            }
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read layer " + layer.digest() + " of "
                    + source.location() + ": " + e.getMessage(), e);
        }
    }

    private static String normalise(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.append(out.isEmpty() ? "" : "/").append(part);
            }
        }
        return out.toString();
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
                : normalise(java.nio.file.Path.of("/" + path).getParent().resolve(target).normalize().toString());
        return files.get(resolved);
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
                sourceVersion = source.substring(paren + 1, source.indexOf(')', paren)).strip();
                source = source.substring(0, paren).strip();
            }
            byte[] copyright = files.get("usr/share/doc/" + name + "/copyright");
            List<Copyright.License> licenses = copyright == null ? List.of()
                    : Copyright.licenses(new String(copyright, StandardCharsets.UTF_8));
            String purl = Purls.deb(os.getOrDefault("ID", "debian"), name, version, arch, distro);
            packages.put(name + ":" + arch, new SbomPackage(name, version, arch, source, sourceVersion, null, purl,
                    licenses, List.of()));
        }
        List<SbomPackage> list = new ArrayList<>(packages.values());
        list.sort(Comparator.comparing(SbomPackage::name));
        return new Detected(image, distro, os.getOrDefault("PRETTY_NAME", distro), list);
    }
}
