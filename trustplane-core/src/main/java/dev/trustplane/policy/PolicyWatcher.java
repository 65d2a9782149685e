package dev.trustplane.policy;

import dev.trustplane.event.EventListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Notices when the policy files change (a ConfigMap update, a GitOps sync) and loads them again.
 * The files without errors take effect; a file with errors is reported and the policies it held
 * before stay in force — a broken edit never disables the policy it meant to change, and never
 * holds back a good change in another file. {@link #check()} compares names, sizes and
 * modification times; the caller schedules it.
 */
public final class PolicyWatcher {
    private final PolicySource source;
    private final PolicyLoader loader;
    private final Consumer<PolicyLoader.Loaded> apply;
    private final EventListener listener;
    private Object seen;
    private List<Policy> inForce;

    /** @param inForce the policies loaded at start, which a broken file's edit leaves in force */
    public PolicyWatcher(Path path, PolicyLoader loader, List<Policy> inForce, Consumer<PolicyLoader.Loaded> apply,
            EventListener listener) {
        this(PolicySource.files(path), loader, inForce, apply, listener);
    }

    /** @param inForce the policies loaded at start, which a broken source's edit leaves in force */
    public PolicyWatcher(PolicySource source, PolicyLoader loader, List<Policy> inForce,
            Consumer<PolicyLoader.Loaded> apply, EventListener listener) {
        this.source = source;
        this.loader = loader;
        this.apply = apply;
        this.listener = listener;
        this.inForce = List.copyOf(inForce);
        this.seen = source.version();
    }

    /** The file a policy or problem came from, without its document number. */
    static String file(String source) {
        return source == null ? "" : source.replaceFirst(" \\(document \\d+\\)$", "");
    }

    /** Loads and applies the policies again when a file changed; returns whether new policies were applied. */
    public synchronized boolean check() {
        Object now;
        try {
            now = source.version();
        } catch (RuntimeException e) {
            // the API server is away: the policies in force stay, and the next check asks again
            listener.warn("policies in " + source.describe() + " could not be checked (" + e.getMessage()
                    + "); the policies in force stay");
            return false;
        }
        if (now.equals(seen)) {
            return false;
        }
        seen = now;
        PolicyLoader.Loaded loaded;
        try {
            loaded = source.load(loader);
        } catch (RuntimeException e) {
            listener.warn("policies in " + source.describe() + " changed but could not be read (" + e.getMessage()
                    + "); the policies in force stay");
            return false;
        }
        if (loaded.hasErrors()) {
            Set<String> broken = new TreeSet<>();
            loaded.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                    .forEach(p -> broken.add(file(p.source())));
            loaded.problems().forEach(p -> listener.warn(p.toString()));
            List<Policy> merged = new ArrayList<>();
            loaded.policies().stream().filter(p -> !broken.contains(file(p.source()))).forEach(merged::add);
            inForce.stream().filter(p -> broken.contains(file(p.source()))).forEach(merged::add);
            listener.warn("policies in " + String.join(", ", broken) + " changed but have errors; what they held"
                    + " before stays in force until they are fixed (`trustplane policy lint` shows every problem)");
            loaded = new PolicyLoader.Loaded(merged, loaded.problems(), loaded.configMaps(), loaded.exceptions());
        }
        source.loaded(loaded);
        inForce = loaded.policies();
        apply.accept(loaded);
        listener.info("policies reloaded from " + source.describe() + ": " + loaded.policies().size() + " in force");
        return true;
    }
}
