package dev.trustplane.builder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SLSA provenance v1 predicate of a built image: the build type (documented in
 * docs/provenance.md), the spec and lockfile as external parameters, every input as a resolved
 * dependency — each archive's InRelease, each .deb with its SHA-256, the keyring and the extra
 * files of the spec — and the builder's identity and timestamps.
 */
final class Provenance {
    public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
    public static final String BUILD_TYPE = "https://trustplane.dev/provenance/debian-image/v1";
    /** The builder id of the CLI; a server build names its own. */
    public static final String BUILDER_ID = "https://trustplane.dev/builder/cli/v1";
    private static final ObjectMapper JSON = Json.mapper();

    /** When and by whom the build ran. */
    public record Run(String builderId, String builderVersion, String invocationId, Instant startedOn,
            Instant finishedOn) {
    }

    private Provenance() {
    }

    /**
     * The predicate for {@code variant} on {@code architectures} (one for a platform image, all of
     * them for an index).
     */
    public static byte[] predicate(ImageSpec spec, Lockfile lock, String variant, List<String> architectures,
            Run run) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode definition = root.putObject("buildDefinition");
        definition.put("buildType", BUILD_TYPE);
        ObjectNode external = definition.putObject("externalParameters");
        ObjectNode specNode = external.putObject("spec");
        specNode.put("name", spec.name());
        specNode.putObject("digest").put("sha256", spec.sha256());
        external.put("release", spec.release());
        external.put("variant", variant);
        ArrayNode arches = external.putArray("architectures");
        architectures.forEach(arches::add);
        external.putObject("lockfile").putObject("digest").put("sha256", Digest.sha256(lock.toJson()).hex());
        ObjectNode internal = definition.putObject("internalParameters");
        internal.put("sourceDateEpoch", lock.sourceDateEpoch());
        internal.put("gzipLevel", spec.layering().gzipLevel());
        internal.put("layering", spec.layering().strategy());
        ArrayNode deps = definition.putArray("resolvedDependencies");
        for (Lockfile.Archive a : lock.archives()) {
            ObjectNode d = deps.addObject();
            d.put("uri", trimSlash(a.url()) + "/dists/" + a.suite() + "/InRelease");
            d.putObject("digest").put("sha256", a.inReleaseSha256());
            d.put("name", "InRelease " + a.suite());
            d.putObject("annotations").put("date", a.date());
        }
        if (spec.keyring() != null) {
            fileDependency(deps, spec.keyring(), "keyring");
        }
        Map<String, LockedPackage> debs = new LinkedHashMap<>();
        for (String arch : architectures) {
            for (LockedPackage p : lock.packages(arch, variant)) {
                debs.putIfAbsent(p.sha256(), p);
            }
        }
        for (LockedPackage p : debs.values()) {
            ObjectNode d = deps.addObject();
            d.put("uri", trimSlash(p.archive()) + "/" + p.filename());
            d.putObject("digest").put("sha256", p.sha256());
            d.put("name", p.name());
            d.putObject("annotations").put("version", p.version()).put("architecture", p.architecture())
                    .put("source", p.source()).put("suite", p.suite());
        }
        for (ImageSpec.ExtraFile f : spec.files()) {
            fileDependency(deps, f.source(), f.path());
        }
        ObjectNode details = root.putObject("runDetails");
        ObjectNode builder = details.putObject("builder");
        builder.put("id", run.builderId());
        builder.putObject("version").put("trustplane", run.builderVersion());
        ObjectNode metadata = details.putObject("metadata");
        metadata.put("invocationId", run.invocationId());
        metadata.put("startedOn", time(run.startedOn()));
        metadata.put("finishedOn", time(run.finishedOn()));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fileDependency(ArrayNode deps, Path file, String name) {
        ObjectNode d = deps.addObject();
        d.put("uri", file.toAbsolutePath().normalize().toUri().toString());
        d.putObject("digest").put("sha256", sha256(file));
        d.put("name", name);
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException | GeneralSecurityException e) {
            throw new TrustplaneException(ErrorKind.IO,
                    "Could not read " + file + " to record it in the provenance: " + e.getMessage(), e);
        }
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
