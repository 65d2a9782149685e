package dev.trustplane.policy;

import dev.trustplane.event.EventListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Notices when the policy files change (a ConfigMap update, a GitOps sync) and loads them again:
 * when the new set has no errors it is handed to {@code apply}; when it has errors they are
 * reported and the policies in force stay as they are — a broken edit never disables admission.
 * {@link #check()} compares names, sizes and modification times; the caller schedules it.
 */
public final class PolicyWatcher {
    private final Path path;
    private final PolicyLoader loader;
    private final Consumer<List<Policy>> apply;
    private final EventListener listener;
    private Map<String, String> seen;

    public PolicyWatcher(Path path, PolicyLoader loader, Consumer<List<Policy>> apply, EventListener listener) {
        this.path = path;
        this.loader = loader;
        this.apply = apply;
        this.listener = listener;
        this.seen = snapshot();
    }

    /** Loads and applies the policies again when a file changed; returns whether new policies were applied. */
    public synchronized boolean check() {
        Map<String, String> now = snapshot();
        if (now.equals(seen)) {
            return false;
        }
        seen = now;
        PolicyLoader.Loaded loaded;
        try {
            loaded = loader.load(path);
        } catch (RuntimeException e) {
            listener.warn("policies in " + path + " changed but could not be read (" + e.getMessage()
                    + "); the policies in force stay");
            return false;
        }
        if (loaded.hasErrors()) {
            loaded.problems().forEach(p -> listener.warn(p.toString()));
            listener.warn("policies in " + path + " changed but have errors; the policies in force stay until"
                    + " they are fixed (`trustplane policy lint " + path + "`)");
            return false;
        }
        apply.accept(loaded.policies());
        listener.info("policies reloaded from " + path + ": " + loaded.policies().size() + " in force");
        return true;
    }

    private Map<String, String> snapshot() {
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
    private static String stamp(Path f) throws IOException {
        return Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis() + "@" + f.toRealPath();
    }
}
