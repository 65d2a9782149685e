package dev.trustplane.catalog;

import dev.trustplane.builder.ImageSpec;
import dev.trustplane.builder.ImageSpecParser;
import dev.trustplane.builder.Lockfile;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory of image specs ({@code NAME.yaml}) with their lockfiles ({@code NAME.lock.json})
 * beside them, as {@code trustplane lock} writes them. A spec that does not parse is an entry with
 * its problem, so one broken spec never hides the others.
 */
public record Catalog(Path directory, List<Entry> images) {
    public Catalog {
        images = List.copyOf(images);
    }

    /**
     * One image of the catalog.
     *
     * @param name    the spec's file name without extension, unique in the catalog (e.g. {@code base-bookworm})
     * @param spec    the parsed spec, null when it did not parse ({@code problem} says why)
     * @param lock    the lockfile beside the spec, null when there is none yet
     */
    public record Entry(String name, Path specFile, Path lockFile, ImageSpec spec, Lockfile lock, String problem) {
        /** The repository the image is published to under a prefix: the spec's {@code name}. */
        public String repository() {
            return spec == null ? name : spec.name();
        }
    }

    public static Catalog load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Catalog directory " + directory + " does not exist;"
                    + " give the directory that holds the image specs (e.g. images/)");
        }
        List<Path> specs;
        try (Stream<Path> files = Files.list(directory)) {
            specs = files.filter(p -> p.getFileName().toString().matches(".+\\.ya?ml"))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot list catalog directory " + directory + ": " + e, e);
        }
        if (specs.isEmpty()) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Catalog directory " + directory + " holds no image"
                    + " specs (*.yaml); see docs/image-spec.md");
        }
        List<Entry> entries = new ArrayList<>();
        for (Path file : specs) {
            String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            Path lockFile = Lockfile.defaultPath(file);
            try {
                ImageSpec spec = ImageSpecParser.parse(file, null);
                Lockfile lock = Files.isRegularFile(lockFile) ? Lockfile.read(lockFile) : null;
                entries.add(new Entry(name, file, lockFile, spec, lock, null));
            } catch (TrustplaneException e) {
                entries.add(new Entry(name, file, lockFile, null, null, e.getMessage()));
            }
        }
        return new Catalog(directory, entries);
    }
}
