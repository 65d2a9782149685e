package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What {@code scan} scans, as every front end names it: an SBOM file, or an image whose attached
 * SBOM (else its layers) gives the packages. Also the rules for what comes with a scan: VEX files
 * and overrides of Debian's urgency → severity mapping.
 *
 * @param sbom          the SBOM's bytes
 * @param subjectSha256 the digest an in-toto statement about the scan names: the image's, or the file's
 * @param image         the image and its source, or null for an SBOM file
 * @param imageDigests  the scanned image and, for an index, the index too (where attestations may hang)
 */
public record ScanTarget(byte[] sbom, String subjectSha256, ImageSource image, List<Descriptor> imageDigests) {
    public ScanTarget {
        imageDigests = List.copyOf(imageDigests);
    }

    /** Debian urgencies a severity override may name. */
    private static final Set<String> URGENCIES = Set.of("low", "medium", "high", "unimportant", "end-of-life",
            "not-yet-assigned");

    /**
     * Reads {@code target}: an existing file is an SBOM; anything else is an image location
     * ({@code oci:DIR[:TAG]}, {@code REGISTRY/REPO:TAG}), of which {@code platform} (default
     * linux/amd64) is scanned.
     */
    public static ScanTarget load(String target, Platform platform, Supplier<RegistryClient> registry) {
        Path file = Path.of(target);
        if (!target.startsWith("oci:") && !Files.exists(file) && target.endsWith(".json")) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "SBOM file " + target + " does not exist; give an SBOM"
                    + " file or an image (oci:DIR[:TAG], REGISTRY/REPO:TAG)");
        }
        if (!target.startsWith("oci:") && Files.isRegularFile(file)) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                return new ScanTarget(bytes, Digest.sha256(bytes).hex(), null, List.of());
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read SBOM " + file + ": " + e, e);
            }
        }
        ImageSource source = ImageSource.open(Location.parse(target), registry.get());
        Descriptor image = source.image(platform);
        Descriptor top = source.resolve().descriptor();
        List<Descriptor> digests = top.digest().equals(image.digest()) ? List.of(image) : List.of(image, top);
        return new ScanTarget(ImageSbom.read(source, image, platform), image.digest().hex(), source, digests);
    }

    /** OpenVEX documents from files, by file name. */
    public static Map<String, byte[]> vexFiles(List<Path> files) {
        Map<String, byte[]> documents = new LinkedHashMap<>();
        for (Path file : files) {
            try {
                documents.put(file.toString(), Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "VEX document " + file + " does not exist", e);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read VEX document " + file + ": " + e, e);
            }
        }
        return documents;
    }

    /** Overrides of the Debian urgency → severity mapping, as {@code --severity unimportant=low} gives them. */
    public static Map<String, Severity> severityOverrides(Map<String, String> overrides) {
        Map<String, Severity> map = new HashMap<>();
        overrides.forEach((urgency, level) -> {
            String u = urgency.strip().toLowerCase(Locale.ROOT);
            if (!URGENCIES.contains(u)) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unknown Debian urgency '" + urgency
                        + "' in --severity; use one of " + new TreeSet<>(URGENCIES));
            }
            map.put(u.replace('-', ' ').replace("end of life", "end-of-life"), Severity.parse(level));
        });
        return map;
    }
}
