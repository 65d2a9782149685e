package dev.trustplane.builder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.debian.ArchiveKeyring;
import dev.trustplane.debian.ArchiveSource;
import dev.trustplane.debian.DebianVersion;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads an image spec (YAML) and reports every problem at once, each with its path. */
public final class ImageSpecParser {
    public static final List<String> RELEASES = List.of("bookworm", "trixie");
    public static final List<String> ARCHITECTURES = List.of("amd64", "arm64");
    public static final int NONROOT_ID = 65532;
    private static final Set<String> TOP = Set.of("name", "release", "archives", "keyring", "packages", "without-dependencies", "accounts",
            "entrypoint", "cmd", "env", "workdir", "labels", "annotations", "ports", "files", "links", "architectures",
            "hardening", "layering", "variants");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+(=[^\\s]+)?");
    private static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}(/(tcp|udp|sctp))?");
    private static final ObjectMapper YAML = Json.yaml();

    private final List<SpecProblem> problems = new ArrayList<>();
    private final Path directory;
    private final Path context;

    private ImageSpecParser(Path directory, Path context) {
        this.directory = directory;
        this.context = context;
    }

    /** Parses a spec file; its {@code files:} sources must lie inside the spec's directory. */
    public static ImageSpec parse(Path file) {
        return parse(file, null);
    }

    /**
     * Parses a spec file whose {@code files:} sources must lie inside {@code context} (the spec's
     * directory when null), symbolic links resolved: a spec from an untrusted change cannot copy
     * host files such as {@code /etc/shadow} into the image.
     */
    public static ImageSpec parse(Path file, Path context) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Image spec " + file + " does not exist", e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read image spec " + file + ": " + e, e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(bytes, file.toString(), dir, context == null ? dir : context);
    }

    /** Parses spec bytes whose relative paths start from {@code directory}, also the build context. */
    public static ImageSpec parse(byte[] yaml, String source, Path directory) {
        return parse(yaml, source, directory, directory);
    }

    /**
     * Parses spec bytes: relative paths start from {@code directory}; {@code files:} sources must
     * resolve inside {@code context}.
     */
    public static ImageSpec parse(byte[] yaml, String source, Path directory, Path context) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Image spec " + source + " is not valid YAML: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSpecException(source, List.of(new SpecProblem("(root)", "must be a mapping")));
        }
        ImageSpecParser p = new ImageSpecParser(directory, buildContext(context));
        ImageSpec spec = p.spec(root, Digest.sha256(yaml).hex());
        if (!p.problems.isEmpty()) {
            throw new InvalidSpecException(source, p.problems);
        }
        return spec;
    }

    private ImageSpec spec(JsonNode root, String sha256) {
        unknownKeys(root, TOP, "");
        String name = text(root, "name", null, true);
        if (name != null && !NAME.matcher(name).matches()) {
            problem("name", "'" + name + "' must be lower case letters, digits, '.', '_' or '-'");
        }
        String release = text(root, "release", null, true);
        if (release != null && !RELEASES.contains(release)) {
            problem("release", "'" + release + "' is not supported; use one of " + RELEASES);
        }
        List<ArchiveSource> archives = archives(root.get("archives"), release == null ? "bookworm" : release);
        Path keyring = root.has("keyring") ? path(text(root, "keyring", null, false)) : ArchiveKeyring.DEBIAN_DEFAULT;
        List<String> packages = strings(root.get("packages"), "packages", true);
        for (int i = 0; i < packages.size(); i++) {
            checkPackage(packages.get(i), "packages[" + i + "]");
        }
        List<String> withoutDeps = strings(root.get("without-dependencies"), "without-dependencies", false);
        for (int i = 0; i < withoutDeps.size(); i++) {
            if (!packages.contains(withoutDeps.get(i))) {
                problem("without-dependencies[" + i + "]", "'" + withoutDeps.get(i) + "' is not listed in packages");
            }
        }
        List<String> arches = root.has("architectures") ? strings(root.get("architectures"), "architectures", true)
                : List.of("amd64");
        for (int i = 0; i < arches.size(); i++) {
            if (!ARCHITECTURES.contains(arches.get(i))) {
                problem("architectures[" + i + "]", "'" + arches.get(i) + "' is not supported; use " + ARCHITECTURES);
            }
        }
        ImageSpec.Accounts accounts = accounts(root.get("accounts"));
        Map<String, String> env = map(root.get("env"), "env");
        env.keySet().forEach(k -> {
            if (k.isEmpty() || k.contains("=")) {
                problem("env." + k, "variable names must be non-empty and contain no '='");
            }
        });
        List<String> ports = strings(root.get("ports"), "ports", false);
        for (int i = 0; i < ports.size(); i++) {
            if (!PORT.matcher(ports.get(i)).matches()) {
                problem("ports[" + i + "]", "'" + ports.get(i) + "' must look like 8080 or 8080/tcp");
            }
        }
        String workdir = text(root, "workdir", "/", false);
        if (workdir != null && !workdir.startsWith("/")) {
            problem("workdir", "must be an absolute path");
        }
        JsonNode hardening = object(root.get("hardening"), "hardening", Set.of("strip-setuid", "remove-docs"));
        JsonNode layering = object(root.get("layering"), "layering", Set.of("strategy", "max-layers", "gzip-level"));
        String strategy = text(layering, "strategy", "single", false);
        if (strategy != null && !List.of("single", "origin").contains(strategy)) {
            problem("layering.strategy", "'" + strategy + "' is not one of [single, origin]");
        }
        int maxLayers = integer(layering, "max-layers", 4, "layering.max-layers");
        if (maxLayers < 1 || maxLayers > 32) {
            problem("layering.max-layers", "must be between 1 and 32");
        }
        int gzipLevel = integer(layering, "gzip-level", 1, "layering.gzip-level");
        if (gzipLevel < 1 || gzipLevel > 9) {
            problem("layering.gzip-level", "must be between 1 (fastest) and 9 (smallest)");
        }
        JsonNode variants = object(root.get("variants"), "variants", Set.of("dev"));
        JsonNode dev = object(variants.get("dev"), "variants.dev", Set.of("enabled", "packages", "run-as"));
        List<String> devPackages = dev.has("packages") ? strings(dev.get("packages"), "variants.dev.packages", false)
                : List.of("dash", "bash", "coreutils", "dpkg", "apt");
        for (int i = 0; i < devPackages.size(); i++) {
            checkPackage(devPackages.get(i), "variants.dev.packages[" + i + "]");
        }
        return new ImageSpec(name, release, archives, keyring, packages, withoutDeps, accounts,
                strings(root.get("entrypoint"), "entrypoint", false), strings(root.get("cmd"), "cmd", false), env,
                workdir, map(root.get("labels"), "labels"), map(root.get("annotations"), "annotations"), ports,
                files(root.get("files")), links(root.get("links")), arches,
                new ImageSpec.Hardening(bool(hardening, "strip-setuid", true), bool(hardening, "remove-docs", true)),
                new ImageSpec.Layering(strategy, maxLayers, gzipLevel),
                new ImageSpec.DevVariant(bool(dev, "enabled", true), devPackages, text(dev, "run-as", "root", false)),
                directory, sha256);
    }

    private void checkPackage(String p, String path) {
        if (!PACKAGE.matcher(p).matches()) {
            problem(path, "'" + p + "' is not a Debian package name (optionally name=version)");
        } else if (p.contains("=")) {
            try {
                DebianVersion.parse(p.substring(p.indexOf('=') + 1));
            } catch (TrustplaneException e) {
                problem(path, e.getMessage());
            }
        }
    }

    private List<ArchiveSource> archives(JsonNode node, String release) {
        if (node == null || node.isNull()) {
            return List.of(
                    new ArchiveSource(URI.create("http://deb.debian.org/debian"),
                            List.of(release, release + "-updates"), List.of("main")),
                    new ArchiveSource(URI.create("http://deb.debian.org/debian-security"),
                            List.of(release + "-security"), List.of("main")));
        }
        if (!node.isArray() || node.isEmpty()) {
            problem("archives", "must be a non-empty list");
            return List.of();
        }
        List<ArchiveSource> list = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "archives[" + i + "]";
            JsonNode a = object(node.get(i), at, Set.of("url", "suites", "components"));
            String url = text(a, "url", null, true, at + ".url");
            URI uri = null;
            if (url != null) {
                try {
                    uri = URI.create(url);
                    if (!List.of("http", "https", "file").contains(String.valueOf(uri.getScheme()))) {
                        problem(at + ".url", "'" + url + "' must be an http, https or file URL");
                    }
                } catch (IllegalArgumentException e) {
                    problem(at + ".url", "'" + url + "' is not a URL");
                }
            }
            List<String> suites = strings(a.get("suites"), at + ".suites", true);
            List<String> components = a.has("components") ? strings(a.get("components"), at + ".components", true)
                    : List.of("main");
            if (uri != null) {
                list.add(new ArchiveSource(uri, suites, components));
            }
        }
        return list;
    }

    private ImageSpec.Accounts accounts(JsonNode node) {
        JsonNode a = object(node, "accounts", Set.of("users", "groups", "run-as"));
        List<ImageSpec.Group> groups = new ArrayList<>();
        List<ImageSpec.User> users = new ArrayList<>();
        groups.add(new ImageSpec.Group("nonroot", NONROOT_ID, List.of()));
        users.add(new ImageSpec.User("nonroot", NONROOT_ID, NONROOT_ID, "/home/nonroot", "/sbin/nologin"));
        JsonNode g = a.get("groups");
        if (g != null && g.isArray()) {
            for (int i = 0; i < g.size(); i++) {
                String at = "accounts.groups[" + i + "]";
                JsonNode n = object(g.get(i), at, Set.of("name", "gid", "members"));
                String name = text(n, "name", null, true, at + ".name");
                int gid = integer(n, "gid", -1, at + ".gid");
                checkAccount(name, gid, at);
                groups.removeIf(x -> x.name().equals(name) || x.gid() == gid);
                groups.add(new ImageSpec.Group(name, gid, strings(n.get("members"), at + ".members", false)));
            }
        } else if (g != null) {
            problem("accounts.groups", "must be a list");
        }
        JsonNode u = a.get("users");
        if (u != null && u.isArray()) {
            for (int i = 0; i < u.size(); i++) {
                String at = "accounts.users[" + i + "]";
                JsonNode n = object(u.get(i), at, Set.of("name", "uid", "gid", "home", "shell"));
                String name = text(n, "name", null, true, at + ".name");
                int uid = integer(n, "uid", -1, at + ".uid");
                int gid = integer(n, "gid", uid, at + ".gid");
                checkAccount(name, uid, at);
                String home = text(n, "home", name == null ? "/" : "/home/" + name, false, at + ".home");
                users.removeIf(x -> x.name().equals(name) || x.uid() == uid);
                users.add(new ImageSpec.User(name, uid, gid, home, text(n, "shell", "/sbin/nologin", false,
                        at + ".shell")));
            }
        } else if (u != null) {
            problem("accounts.users", "must be a list");
        }
        String runAs = text(a, "run-as", "nonroot", false, "accounts.run-as");
        if (runAs != null && !runAs.matches("\\d+(:\\d+)?") && !runAs.equals("root")
                && users.stream().noneMatch(x -> x.name().equals(runAs))) {
            problem("accounts.run-as", "'" + runAs + "' is neither a user defined in accounts.users nor uid[:gid]");
        }
        for (ImageSpec.User user : users) {
            if (groups.stream().noneMatch(x -> x.gid() == user.gid())) {
                groups.add(new ImageSpec.Group(user.name(), user.gid(), List.of()));
            }
        }
        return new ImageSpec.Accounts(users, groups, runAs);
    }

    private void checkAccount(String name, int id, String at) {
        if (name != null && !ACCOUNT.matcher(name).matches()) {
            problem(at + ".name", "'" + name + "' is not a valid account name");
        }
        if (id < 1 || id > 65534) {
            problem(at, "needs an id between 1 and 65534 (0 is root)");
        }
    }

    private List<ImageSpec.ExtraFile> files(JsonNode node) {
        List<ImageSpec.ExtraFile> list = new ArrayList<>();
        if (node == null || node.isNull()) {
            return list;
        }
        if (!node.isArray()) {
            problem("files", "must be a list");
            return list;
        }
        for (int i = 0; i < node.size(); i++) {
            String at = "files[" + i + "]";
            JsonNode f = object(node.get(i), at, Set.of("source", "path", "mode", "owner"));
            String source = text(f, "source", null, true, at + ".source");
            String target = text(f, "path", null, true, at + ".path");
            String mode = text(f, "mode", "0644", false, at + ".mode");
            String owner = text(f, "owner", "0:0", false, at + ".owner");
            Path dir = source == null ? null : ContextFiles.directory(path(source), context);
            Path src = source == null || dir != null ? null
                    : ContextFiles.file(path(source), source, context, at + ".source", this::problem);
            if (target != null && (!target.startsWith("/") || target.contains("/../") || target.endsWith("/.."))) {
                problem(at + ".path", "'" + target + "' must be an absolute path inside the image");
            }
            int m = 0;
            if (mode != null && !mode.matches("0?[0-7]{3,4}")) {
                problem(at + ".mode", "'" + mode + "' must be octal such as 0644");
            } else if (mode != null) {
                m = Integer.parseInt(mode, 8);
            }
            int uid = 0;
            int gid = 0;
            if (owner != null && !owner.matches("\\d+:\\d+")) {
                problem(at + ".owner", "'" + owner + "' must be uid:gid");
            } else if (owner != null) {
                uid = Integer.parseInt(owner.substring(0, owner.indexOf(':')));
                gid = Integer.parseInt(owner.substring(owner.indexOf(':') + 1));
            }
            if (src != null && target != null) {
                list.add(new ImageSpec.ExtraFile(src, target, m, uid, gid));
            }
            if (dir != null && target != null) {
                for (ContextFiles.Found found : ContextFiles.expand(dir, context, target, at + ".source",
                        this::problem)) {
                    list.add(new ImageSpec.ExtraFile(found.source(), found.target(), m, uid, gid));
                }
            }
        }
        return list;
    }

    private Map<String, String> links(JsonNode node) {
        Map<String, String> links = map(node, "links");
        links.forEach((path, target) -> {
            if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..") || path.equals("/")) {
                problem("links." + path, "the link must be an absolute path inside the image");
            }
            if (target.isBlank()) {
                problem("links." + path, "the target must not be empty");
            }
        });
        return links;
    }

    private static Path buildContext(Path context) {
        if (context == null) {
            return null;
        }
        try {
            return context.toRealPath();
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Build context " + context + " does not exist"
                    + " — pass an existing directory with --context", e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot resolve build context " + context + ": " + e, e);
        }
    }

    private Path path(String text) {
        if (text == null) {
            return null;
        }
        Path p = Path.of(text);
        return p.isAbsolute() || directory == null ? p : directory.resolve(p).normalize();
    }

    private void unknownKeys(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                problem(prefix + key, "unknown key; allowed: " + new TreeSet<>(allowed));
            }
        }
    }

    private JsonNode object(JsonNode node, String path, Set<String> allowed) {
        if (node == null || node.isNull()) {
            return YAML.createObjectNode();
        }
        if (!node.isObject()) {
            problem(path, "must be a mapping");
            return YAML.createObjectNode();
        }
        unknownKeys(node, allowed, path + ".");
        return node;
    }

    private String text(JsonNode node, String key, String fallback, boolean required) {
        return text(node, key, fallback, required, key);
    }

    private String text(JsonNode node, String key, String fallback, boolean required, String path) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                problem(path, "is required");
            }
            return fallback;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            problem(path, "must be a non-empty string");
            return fallback;
        }
        return v.asText();
    }

    private int integer(JsonNode node, String key, int fallback, String path) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (fallback < 0) {
                problem(path, "is required");
            }
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            problem(path, "must be a whole number");
            return fallback;
        }
        return v.asInt();
    }

    private boolean bool(JsonNode node, String key, boolean fallback) {
        JsonNode v = node.get(key);
        return v == null || !v.isBoolean() ? fallback : v.asBoolean();
    }

    private List<String> strings(JsonNode node, String path, boolean required) {
        List<String> list = new ArrayList<>();
        if (node == null || node.isNull()) {
            if (required) {
                problem(path, "is required (a list)");
            }
            return list;
        }
        if (!node.isArray()) {
            problem(path, "must be a list");
            return list;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.isValueNode() || v.asText().isEmpty()) {
                problem(path + "[" + i + "]", "must be a non-empty string");
            } else {
                list.add(v.asText());
            }
        }
        if (required && list.isEmpty() && node.isEmpty()) {
            problem(path, "must not be empty");
        }
        return list;
    }

    private Map<String, String> map(JsonNode node, String path) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            problem(path, "must be a mapping of strings");
            return map;
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) {
                problem(path + "." + e.getKey(), "must be a string");
            } else {
                map.put(e.getKey(), e.getValue().asText());
            }
        });
        return map;
    }

    private void problem(String path, String message) {
        problems.add(new SpecProblem(path, message));
    }
}
