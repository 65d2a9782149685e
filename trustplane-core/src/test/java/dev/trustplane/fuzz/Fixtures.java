package dev.trustplane.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Seed material from the project's test resources. */
public final class Fixtures {
    private static final Path RESOURCES = resources();

    private Fixtures() {
    }

    /** The directory holding the test resources. */
    public static String resourceDirectory() {
        return RESOURCES.toString();
    }

    /** {@code body} after one selector byte (the targets that read several formats pick one by the first byte). */
    public static byte[] prefixed(int selector, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = (byte) selector;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** A test resource's bytes, by its absolute resource name. */
    public static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file under a resource directory whose name ends with one of {@code suffixes}, sorted. */
    public static List<byte[]> tree(String directory, int limit, String... suffixes) {
        try (Stream<Path> files = Files.walk(RESOURCES.resolve(directory.substring(1)))) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> Stream.of(suffixes).anyMatch(s -> f.getFileName().toString().endsWith(s)))
                    .sorted().limit(limit).map(Fixtures::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resources() {
        try {
            return Path.of(Fixtures.class.getResource("/debian/README.md").toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
