package dev.trustplane.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.debian.DebianReleases;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.Printable;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Debian packages of an SBOM — CycloneDX 1.4–1.6 or SPDX 2.3 JSON, Trustplane's own or
 * another tool's (trivy, syft) — with their source packages and the Debian release, from the
 * purl's {@code distro} qualifier or the SBOM's operating-system component.
 */
public final class SbomReader {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern SPDX_SOURCE = Pattern.compile("(?:source package|from:)\\s+(\\S+)\\s+(\\S+)");

    /** The packages found and the format they came from. */
    public record Result(String format, List<ScannedPackage> packages) {
        public Result {
            packages = List.copyOf(packages);
        }
    }

    private SbomReader() {
    }

    /** Reads {@code json} after checking it against its schema ({@link SbomSchemas}). */
    public static Result read(byte[] json, String source, String releaseOverride) {
        return read(json, source, releaseOverride, true);
    }

    /**
     * Reads {@code json}; with {@code validate}, a document that does not follow the schema of its
     * format and version is refused with every problem listed (an invalid SBOM read as it comes may
     * yield "0 packages" and so a clean scan).
     */
    public static Result read(byte[] json, String source, String releaseOverride, boolean validate) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "SBOM " + source + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        boolean known = root != null && ("CycloneDX".equals(root.path("bomFormat").asText())
                || root.path("spdxVersion").asText().startsWith("SPDX-2"));
        if (validate && known) {
            SbomSchemas.require(root, source);
        }
        try {
            if (root != null && "CycloneDX".equals(root.path("bomFormat").asText())) {
                return new Result("CycloneDX " + root.path("specVersion").asText(), cycloneDx(root, releaseOverride));
            }
            if (root != null && root.path("spdxVersion").asText().startsWith("SPDX-2")) {
                return new Result(root.path("spdxVersion").asText(), spdx(root, releaseOverride));
            }
        } catch (MalformedPurl e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "SBOM " + source + " has a package URL that cannot"
                    + " be read: " + e.getMessage() + "; fix the SBOM", e);
        }
        throw new TrustplaneException(ErrorKind.UNSUPPORTED, "SBOM " + source + " is neither CycloneDX JSON"
                + " (bomFormat) nor SPDX 2.x JSON (spdxVersion); give one of those, or an image reference");
    }

    private static List<ScannedPackage> cycloneDx(JsonNode root, String override) {
        String osRelease = null;
        List<JsonNode> components = new ArrayList<>();
        collect(root.path("metadata").path("component"), components);
        root.path("components").forEach(c -> collect(c, components));
        for (JsonNode c : components) {
            if (c.path("type").asText().equals("operating-system") && c.path("name").asText().equals("debian")) {
                osRelease = codename(c.path("version").asText());
            }
        }
        List<ScannedPackage> out = new ArrayList<>();
        for (JsonNode c : components) {
            String purl = c.path("purl").asText();
            if (!purl.startsWith("pkg:deb/")) {
                language(purl).ifPresent(out::add);
                continue;
            }
            Map<String, String> props = new HashMap<>();
            c.path("properties").forEach(p -> props.put(p.path("name").asText(), p.path("value").asText()));
            String source = first(props.get("trustplane:debian:source"), props.get("aquasecurity:trivy:SrcName"));
            String sourceVersion = first(props.get("trustplane:debian:source-version"),
                    srcVersion(props.get("aquasecurity:trivy:SrcVersion"), props.get("aquasecurity:trivy:SrcRelease"),
                            props.get("aquasecurity:trivy:SrcEpoch")));
            out.add(fromPurl(purl, c.path("name").asText(null), c.path("version").asText(null), source,
                    sourceVersion, override, osRelease));
        }
        return out;
    }

    private static void collect(JsonNode c, List<JsonNode> into) {
        if (c == null || c.isMissingNode() || c.isNull()) {
            return;
        }
        into.add(c);
        c.path("components").forEach(child -> collect(child, into));
    }

    private static List<ScannedPackage> spdx(JsonNode root, String override) {
        List<ScannedPackage> out = new ArrayList<>();
        String osRelease = null;
        for (JsonNode p : root.path("packages")) {
            if (p.path("primaryPackagePurpose").asText().equals("OPERATING-SYSTEM")
                    && p.path("name").asText().equals("debian")) {
                osRelease = codename(p.path("versionInfo").asText());
            }
        }
        for (JsonNode p : root.path("packages")) {
            for (JsonNode ref : p.path("externalRefs")) {
                String purl = ref.path("referenceLocator").asText();
                if (!ref.path("referenceType").asText().equals("purl")) {
                    continue;
                }
                if (!purl.startsWith("pkg:deb/")) {
                    language(purl).ifPresent(out::add);
                    continue;
                }
                String source = null;
                String sourceVersion = null;
                Matcher m = SPDX_SOURCE.matcher(p.path("sourceInfo").asText());
                if (m.find()) {
                    source = m.group(1);
                    sourceVersion = m.group(2);
                }
                out.add(fromPurl(purl, p.path("name").asText(null), p.path("versionInfo").asText(null), source,
                        sourceVersion, override, osRelease));
            }
        }
        return out;
    }

    private static final Set<String> LANGUAGE_TYPES = Set.of("npm", "golang", "maven", "pypi");

    /** A language package from its purl ({@code pkg:npm/%40scope/name@1.0}, {@code pkg:maven/g/a@1}, …). */
    static Optional<ScannedPackage> language(String purl) {
        if (!purl.startsWith("pkg:")) {
            return Optional.empty();
        }
        String rest = purl.substring(4);
        int cut = rest.length();
        for (char c : new char[] {'?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        rest = rest.substring(0, cut);
        int slash = rest.indexOf('/');
        int at = rest.lastIndexOf('@');
        if (slash < 0 || at < slash) {
            return Optional.empty();
        }
        String type = rest.substring(0, slash).toLowerCase(Locale.ROOT);
        if (!LANGUAGE_TYPES.contains(type)) {
            return Optional.empty();
        }
        String path = decode(rest.substring(slash + 1, at));
        String version = decode(rest.substring(at + 1));
        int last = path.lastIndexOf('/');
        String namespace = last < 0 ? "" : path.substring(0, last);
        String name = last < 0 ? path : path.substring(last + 1);
        String full = switch (type) {
            case "maven" -> namespace + ":" + name;
            case "pypi" -> name.toLowerCase(Locale.ROOT).replace('_', '-');
            default -> namespace.isEmpty() ? name : namespace + "/" + name;
        };
        return Optional.of(new ScannedPackage(type, full, version, null, null, null, null));
    }

    static ScannedPackage fromPurl(String purl, String name, String version, String source, String sourceVersion,
            String override, String osRelease) {
        String rest = purl.substring("pkg:deb/".length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> qualifiers = new HashMap<>();
        if (q >= 0) {
            for (String kv : rest.substring(q + 1).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    qualifiers.put(kv.substring(0, eq), decode(kv.substring(eq + 1)));
                }
            }
        }
        // purl spec: the version after the last '@', the name after the last '/' before it
        int at = path.lastIndexOf('@');
        String named = at < 0 ? path : path.substring(0, at);
        String purlName = decode(named.substring(named.lastIndexOf('/') + 1));
        String purlVersion = at < 0 ? null : decode(path.substring(at + 1));
        String upstream = qualifiers.get("upstream");
        if (source == null && upstream != null) {
            int sp = upstream.indexOf('@');
            source = sp < 0 ? upstream : upstream.substring(0, sp);
            sourceVersion = sp < 0 ? sourceVersion : upstream.substring(sp + 1);
        }
        String release = override != null ? override
                : qualifiers.containsKey("distro") ? codename(qualifiers.get("distro")) : osRelease;
        String packageName = first(purlName, name);
        String packageVersion = first(purlVersion, version);
        if (packageName == null || packageName.isEmpty() || packageVersion == null || packageVersion.isEmpty()) {
            // a Debian package nothing can be matched against must not read as a clean one
            throw new MalformedPurl("'" + Printable.of(purl, 200) + "' names no " + (packageName == null
                    || packageName.isEmpty() ? "package" : "version") + ", and its component gives none", null);
        }
        return new ScannedPackage(packageName, packageVersion, qualifiers.get("arch"), source, sourceVersion, release);
    }

    /**
     * {@code debian-12}, {@code debian-12.15}, {@code 12.4}, {@code Debian:9}, {@code bookworm} →
     * {@code bookworm} (releases 7 to 14 and sid); anything else is kept as written, so the scan can
     * say which release it does not know.
     */
    static String codename(String distro) {
        if (distro == null || distro.isBlank()) {
            return null;
        }
        return DebianReleases.codename(distro).orElse(distro.startsWith("debian-") ? distro.substring(7) : distro);
    }

    private static String srcVersion(String version, String release, String epoch) {
        if (version == null) {
            return null;
        }
        return (epoch == null || epoch.equals("0") ? "" : epoch + ":") + version
                + (release == null || release.isEmpty() ? "" : "-" + release);
    }

    private static String first(String a, String b) {
        return a != null && !a.isEmpty() ? a : b;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedPurl("'" + Printable.of(s, 200) + "' has a malformed percent-escape (one is % and two"
                    + " hex digits)", e);
        }
    }

    /** A package URL whose percent-escapes cannot be decoded; the reader turns it into one error naming the SBOM. */
    private static final class MalformedPurl extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedPurl(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
