package dev.trustplane.builder;

import dev.trustplane.debian.ArchiveSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A declarative image: Debian release and archives, packages, accounts, runtime configuration,
 * extra files, architectures and variants. Parsed and checked by {@link ImageSpecParser}; every
 * value here is valid.
 */
public record ImageSpec(
        String name,
        String release,
        List<ArchiveSource> archives,
        Path keyring,
        List<String> packages,
        List<String> withoutDependencies,
        Accounts accounts,
        List<String> entrypoint,
        List<String> cmd,
        Map<String, String> env,
        String workdir,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<String> ports,
        List<ExtraFile> files,
        Map<String, String> links,
        List<String> architectures,
        Hardening hardening,
        Layering layering,
        DevVariant dev,
        Path directory,
        String sha256) {

    public ImageSpec {
        archives = List.copyOf(archives);
        packages = List.copyOf(packages);
        withoutDependencies = List.copyOf(withoutDependencies);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        ports = List.copyOf(ports);
        files = List.copyOf(files);
        links = Collections.unmodifiableMap(new TreeMap<>(links));
        architectures = List.copyOf(architectures);
    }

    /** A user account. */
    public record User(String name, int uid, int gid, String home, String shell) {
    }

    /** A group account. */
    public record Group(String name, int gid, List<String> members) {
        public Group {
            members = List.copyOf(members);
        }
    }

    /** Users, groups and the user the image runs as (a name or {@code uid[:gid]}). */
    public record Accounts(List<User> users, List<Group> groups, String runAs) {
        public Accounts {
            users = List.copyOf(users);
            groups = List.copyOf(groups);
        }
    }

    /** A file from the build context copied into the image. */
    public record ExtraFile(Path source, String path, int mode, int uid, int gid) {
    }

    public record Hardening(boolean stripSetuid, boolean removeDocs) {
    }

    /**
     * {@code single}: one layer; {@code origin}: up to {@code maxLayers} grouped by source package.
     * {@code gzipLevel}: 1 (fastest, the default, as go-containerregistry-based builders) to 9 (smallest).
     */
    public record Layering(String strategy, int maxLayers, int gzipLevel) {
    }

    /** What the {@code -dev} variant adds: packages and the user it runs as. */
    public record DevVariant(boolean enabled, List<String> packages, String runAs) {
        public DevVariant {
            packages = List.copyOf(packages);
        }
    }

    /** The variants this spec produces: always {@code runtime}, and {@code dev} unless disabled. */
    public List<String> variants() {
        return dev.enabled() ? List.of("runtime", "dev") : List.of("runtime");
    }

    /** Packages of a variant: the dev variant adds its own to the runtime ones. */
    public List<String> packages(String variant) {
        if (variant.equals("dev")) {
            List<String> all = new ArrayList<>(packages);
            dev.packages().stream().filter(p -> !all.contains(p)).forEach(all::add);
            return all;
        }
        return packages;
    }

    public String runAs(String variant) {
        return variant.equals("dev") ? dev.runAs() : accounts.runAs();
    }
}
