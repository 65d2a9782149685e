package dev.trustplane.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * {@code files:} sources in the build context. A single file must resolve — every symbolic link
 * followed, {@code ..} applied — to a regular file inside the context. A source that is a directory: every file under it, copied to the same relative
 * path under the entry's {@code path} (as a Dockerfile's {@code COPY dir/ /target/} does). Each
 * file must be, after every symbolic link is resolved, a regular file inside the build context, as
 * a single source must; anything else is a problem naming it. Empty directories are not copied.
 */
final class ContextFiles {
    /** At most this many files from one directory source: a spec cannot make the build read a whole disk. */
    static final int MAX_FILES = 10_000;

    /** One file found: where it is (its real path) and where it goes in the image. */
    record Found(Path source, String target) {
    }

    private ContextFiles() {
    }

    /** The real path of {@code source} when it is a regular file inside {@code context}, else null with a problem. */
    static Path file(Path src, String source, Path context, String at, BiConsumer<String, String> problem) {
        Path real;
        try {
            real = src.toRealPath();
        } catch (IOException e) {
            problem.accept(at, "'" + source + "' is not a file (paths are relative to the spec)");
            return null;
        }
        if (context != null && !real.startsWith(context)) {
            problem.accept(at, "'" + source + "' resolves to " + real + ", outside the build context " + context
                    + " — copy the file into the spec's directory or pass --context DIR");
            return null;
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            problem.accept(at, "'" + source + "' is not a regular file");
            return null;
        }
        return real;
    }

    /** The real path of {@code src} when it is a directory inside {@code context}, else null. */
    static Path directory(Path src, Path context) {
        try {
            Path real = src.toRealPath();
            return Files.isDirectory(real) && (context == null || real.startsWith(context)) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The files under {@code directory} (a real path inside {@code context}, or anywhere when
     * {@code context} is null), sorted by path, each with its target under {@code target};
     * {@code problem} receives (entry path, text) for each one refused.
     */
    static List<Found> expand(Path directory, Path context, String target, String at, BiConsumer<String, String> problem) {
        List<Found> found = new ArrayList<>();
        String base = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(directory)) {
            entries = walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted()
                    .limit(MAX_FILES + 1L).toList();
        } catch (IOException | RuntimeException e) {
            problem.accept(at, "directory '" + directory + "' could not be read (" + e.getMessage() + ")");
            return found;
        }
        if (entries.isEmpty()) {
            problem.accept(at, "directory '" + directory + "' holds no files to copy");
            return found;
        }
        if (entries.size() > MAX_FILES) {
            problem.accept(at, "directory '" + directory + "' holds more than " + MAX_FILES + " files; copy a smaller"
                    + " directory or ship the content as a package");
            return found;
        }
        for (Path entry : entries) {
            String relative = directory.relativize(entry).toString().replace('\\', '/');
            Path real;
            try {
                real = entry.toRealPath();
            } catch (IOException e) {
                problem.accept(at, "'" + relative + "' in " + directory + " is a dangling link");
                continue;
            }
            if (context != null && !real.startsWith(context)) {
                problem.accept(at, "'" + relative + "' in " + directory + " resolves to " + real
                        + ", outside the build context " + context);
            } else if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                problem.accept(at, "'" + relative + "' in " + directory + " is not a regular file");
            } else {
                found.add(new Found(real, base + "/" + relative));
            }
        }
        return found;
    }
}
