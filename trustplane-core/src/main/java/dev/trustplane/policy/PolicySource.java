package dev.trustplane.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the policies in force come from: a file or directory, or the Kubernetes API (Kyverno's
 * {@code ClusterPolicy}/{@code Policy} objects). {@link PolicyWatcher} asks {@link #version()}
 * every few seconds and loads again when it moved.
 */
public interface PolicySource {
    /** For messages: the path, or which API objects. */
    String describe();

    /** Reads and parses every policy now. */
    PolicyLoader.Loaded load(PolicyLoader loader);

    /** A value that changes whenever what {@link #load} reads changed; cheap enough to ask every few seconds. */
    Object version();

    /** Told what the last load found, per source (a source in the API writes it back as the objects' status). */
    default void loaded(PolicyLoader.Loaded loaded) {
    }

    /** A policy file or a directory of them; its version is every file's name, size, time and real path. */
    static PolicySource files(Path path) {
        return new PolicySource() {
            @Override
            public String describe() {
                return path.toString();
            }

            @Override
            public PolicyLoader.Loaded load(PolicyLoader loader) {
                return loader.load(path);
            }

            @Override
            public Object version() {
                Map<String, String> out = new TreeMap<>();
                try {
                    if (Files.isDirectory(path)) {
                        try (Stream<Path> files = Files.list(path)) {
                            for (Path f : files.toList()) {
                                out.put(f.getFileName().toString(), stamp(f));
                            }
                        }
                    } else {
                        out.put(path.toString(), stamp(path));
                    }
                } catch (IOException e) {
                    out.put("?", e.toString());
                }
                return out;
            }

            /** Size and modification time; following symbolic links, as a mounted ConfigMap swaps its ..data link. */
            private String stamp(Path f) throws IOException {
                return Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis() + "@" + f.toRealPath();
            }
        };
    }
}
