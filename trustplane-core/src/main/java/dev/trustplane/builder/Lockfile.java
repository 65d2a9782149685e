package dev.trustplane.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code SPEC.lock.json}: the exact packages of every architecture and variant, the archive
 * releases they came from and the {@code SOURCE_DATE_EPOCH} of the build. A build from a lockfile
 * uses exactly these packages. Format: docs/adr/004-image-lockfile.md.
 */
public record Lockfile(
        int version,
        String specName,
        String specSha256,
        String release,
        long sourceDateEpoch,
        List<Archive> archives,
        Map<String, Map<String, List<LockedPackage>>> packages) {

    public static final int VERSION = 1;
    private static final ObjectMapper JSON = Json.pretty();

    /** A suite release the lock was resolved against. */
    public record Archive(String url, String suite, String date, String inReleaseSha256) {
    }

    public Lockfile {
        archives = List.copyOf(archives);
        Map<String, Map<String, List<LockedPackage>>> copy = new TreeMap<>();
        packages.forEach((arch, byVariant) -> copy.put(arch, Map.copyOf(new TreeMap<>(byVariant))));
        packages = Collections.unmodifiableMap(copy);
    }

    public List<LockedPackage> packages(String architecture, String variant) {
        Map<String, List<LockedPackage>> byVariant = packages.get(architecture);
        if (byVariant == null || !byVariant.containsKey(variant)) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The lockfile of " + specName + " has no "
                    + variant + " packages for " + architecture + "; run `trustplane lock` again after changing"
                    + " architectures or variants");
        }
        return byVariant.get(variant);
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("lockfileVersion", version);
        ObjectNode spec = root.putObject("spec");
        spec.put("name", specName);
        spec.put("sha256", specSha256);
        root.put("release", release);
        root.put("sourceDateEpoch", sourceDateEpoch);
        ArrayNode arch = root.putArray("archives");
        for (Archive a : archives) {
            arch.addObject().put("url", a.url()).put("suite", a.suite()).put("date", a.date())
                    .put("inReleaseSha256", a.inReleaseSha256());
        }
        ObjectNode pk = root.putObject("packages");
        packages.forEach((architecture, byVariant) -> {
            ObjectNode a = pk.putObject(architecture);
            new TreeMap<>(byVariant).forEach((variant, list) -> {
                ArrayNode arr = a.putArray(variant);
                for (LockedPackage p : list) {
                    ObjectNode o = arr.addObject();
                    o.put("name", p.name()).put("version", p.version()).put("architecture", p.architecture())
                            .put("source", p.source()).put("sourceVersion", p.sourceVersion())
                            .put("archive", p.archive()).put("suite", p.suite()).put("filename", p.filename())
                            .put("size", p.size()).put("sha256", p.sha256());
                    ArrayNode deps = o.putArray("dependsOn");
                    p.dependsOn().forEach(deps::add);
                }
            });
        });
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) {
        try {
            AtomicFiles.write(file, toJson());
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write lockfile " + file + ": " + e, e);
        }
    }

    /** Where {@code trustplane lock} writes the lockfile of {@code spec}: {@code NAME.lock.json} beside it. */
    public static Path defaultPath(Path spec) {
        String name = spec.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return spec.resolveSibling(name + ".lock.json");
    }

    /**
     * The lockfile a build of {@code spec} uses: {@code explicit} when given; else the default
     * lockfile beside the spec when it was made for this version of the spec; else a fresh
     * resolution. {@code notes} hears which, and why a lockfile beside the spec was passed over.
     */
    public static Lockfile forBuild(Path spec, ImageSpec parsed, Path explicit, ImageBuilder builder,
            Consumer<String> notes) {
        if (explicit != null) {
            return read(explicit);
        }
        Path beside = defaultPath(spec);
        if (Files.isRegularFile(beside)) {
            Lockfile existing = read(beside);
            if (existing.specSha256().equals(parsed.sha256())) {
                notes.accept("Using " + beside);
                return existing;
            }
            notes.accept(beside + " was made for another version of the spec; resolving again");
        }
        Lockfile resolved = builder.lock(parsed, null);
        // The provenance cites this lockfile's digest: keep the file it names.
        try {
            resolved.write(beside);
            notes.accept("Wrote " + beside + " (the lockfile the provenance cites; commit it to rebuild the same"
                    + " image)");
        } catch (TrustplaneException e) {
            notes.accept("warning: could not write " + beside + " (" + e.getMessage() + "); the provenance cites a"
                    + " lockfile that is not kept — run `trustplane lock` where the spec can be written");
        }
        return resolved;
    }

    public static Lockfile read(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Lockfile " + file + " does not exist; create it with"
                    + " `trustplane lock SPEC`", e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read lockfile " + file + ": " + e, e);
        }
    }

    public static Lockfile parse(byte[] bytes, String source) {
        try {
            JsonNode root = JSON.readTree(bytes);
            int version = root.path("lockfileVersion").asInt(-1);
            if (version != VERSION) {
                throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Lockfile " + source + " has version " + version
                        + "; this Trustplane reads version " + VERSION + " — run `trustplane lock` again");
            }
            List<Archive> archives = new ArrayList<>();
            root.path("archives").forEach(a -> archives.add(new Archive(req(a, "url", source), req(a, "suite", source),
                    req(a, "date", source), req(a, "inReleaseSha256", source))));
            Map<String, Map<String, List<LockedPackage>>> packages = new TreeMap<>();
            root.path("packages").fields().forEachRemaining(archEntry -> {
                Map<String, List<LockedPackage>> byVariant = new TreeMap<>();
                archEntry.getValue().fields().forEachRemaining(v -> {
                    List<LockedPackage> list = new ArrayList<>();
                    v.getValue().forEach(p -> {
                        List<String> deps = new ArrayList<>();
                        p.path("dependsOn").forEach(d -> deps.add(d.asText()));
                        String sha = req(p, "sha256", source);
                        if (!sha.matches("[0-9a-f]{64}")) {
                            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Lockfile " + source
                                    + " has an invalid sha256 for " + p.path("name").asText());
                        }
                        list.add(new LockedPackage(req(p, "name", source), req(p, "version", source),
                                req(p, "architecture", source), req(p, "source", source),
                                req(p, "sourceVersion", source), req(p, "archive", source), req(p, "suite", source),
                                safeFilename(req(p, "filename", source), source), p.path("size").asLong(-1), sha,
                                deps));
                    });
                    byVariant.put(v.getKey(), list);
                });
                packages.put(archEntry.getKey(), byVariant);
            });
            return new Lockfile(version, req(root.path("spec"), "name", source),
                    req(root.path("spec"), "sha256", source), req(root, "release", source),
                    root.path("sourceDateEpoch").asLong(), archives, packages);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Lockfile " + source + " is not valid JSON: "
                    + e.getMessage(), e);
        }
    }

    private static String safeFilename(String filename, String source) {
        if (filename.startsWith("/") || filename.contains("..") || !filename.startsWith("pool/")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Lockfile " + source + " has an unsafe filename '"
                    + filename + "' (expected pool/...)");
        }
        return filename;
    }

    private static String req(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isValueNode()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Lockfile " + source + " lacks '" + field
                    + "'; run `trustplane lock` again");
        }
        return v.asText();
    }
}
