package dev.trustplane.builder;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fuzz.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Image specs and lockfiles from a pull request nobody reviewed yet: the first byte picks which.
 * A spec is refused with a message naming it, or parsed; a parsed spec's {@code files:} sources
 * all resolve inside the build context — which holds a symbolic link to the host's
 * {@code /etc/passwd} to tempt it. Nothing else escapes.
 */
public final class ImageSpecFuzzer {
    private static final Path CONTEXT = context();

    private ImageSpecFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] text = Arrays.copyOfRange(data, 1, data.length);
        try {
            if ((data[0] & 1) == 1) {
                Lockfile.parse(text, "fuzz.lock.json");
                return;
            }
            ImageSpec spec = ImageSpecParser.parse(text, "fuzz.yaml", CONTEXT, CONTEXT);
            for (ImageSpec.ExtraFile f : spec.files()) {
                Path real = Files.exists(f.source()) ? f.source().toRealPath() : f.source().toAbsolutePath().normalize();
                if (!real.startsWith(CONTEXT)) {
                    throw new IllegalStateException("files: entry " + f.path() + " reads " + real
                            + ", outside the build context");
                }
            }
        } catch (TrustplaneException refused) {
            // refused with a message
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path context() {
        try {
            Path dir = Files.createTempDirectory("trustplane-fuzz-context").toRealPath();
            Files.writeString(dir.resolve("app.conf"), "x=1\n");
            Files.createDirectories(dir.resolve("etc"));
            Files.createSymbolicLink(dir.resolve("etc/passwd"), Path.of("/etc/passwd"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> specs = Files.list(Path.of("..", "images"))) {
            for (Path p : specs.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                seeds.add(Fixtures.prefixed(0, Files.readAllBytes(p)));
            }
        }
        String files = "name: app\nrelease: bookworm\npackages: [base-files]\nfiles:\n  - source: app.conf\n"
                + "    path: /etc/app.conf\n    mode: \"0644\"\n  - source: etc/passwd\n    path: /etc/x\n";
        seeds.add(Fixtures.prefixed(0, files.getBytes(StandardCharsets.UTF_8)));
        return seeds;
    }

}
