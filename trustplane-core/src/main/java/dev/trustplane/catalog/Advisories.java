package dev.trustplane.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The catalog's advisory feed in OSV format (schema 1.7): one record per image and CVE a rebuild
 * fixed. The affected package is the Debian source package (ecosystem {@code Debian:N}) with the
 * version that fixed it; the images — every digest that shipped the vulnerable version and the
 * digest and tags that fixed it — are in {@code ecosystem_specific}. Identifiers use the schema's
 * prefix for databases outside its registry: {@code x_TRUSTPLANE-IMAGE-CVE}.
 */
public final class Advisories {
    private static final ObjectMapper JSON = Json.pretty();

    private Advisories() {
    }

    /** The OSV records of every recorded fix, by id. */
    public static Map<String, byte[]> osv(List<CatalogStore.Fix> fixes, List<CatalogStore.Publication> publications,
            Instant now) {
        Map<String, CatalogStore.Publication> byId = new LinkedHashMap<>();
        publications.forEach(p -> byId.put(p.id(), p));
        Map<String, List<CatalogStore.Fix>> grouped = new TreeMap<>();
        for (CatalogStore.Fix f : fixes) {
            grouped.computeIfAbsent("x_TRUSTPLANE-" + f.image() + "-" + f.cve(), k -> new ArrayList<>()).add(f);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<CatalogStore.Fix>> g : grouped.entrySet()) {
            CatalogStore.Fix first = g.getValue().get(0);
            CatalogStore.Publication pub = byId.get(first.publicationId());
            ObjectNode r = JSON.createObjectNode();
            r.put("schema_version", "1.7.0");
            r.put("id", g.getKey());
            r.put("modified", now.toString());
            r.put("published", first.publishedAt().toString());
            r.putArray("upstream").add(first.cve());
            r.put("summary", first.cve() + " fixed in " + (pub == null ? first.image() : pub.repository()) + " ("
                    + first.source() + " " + first.fixedVersion() + ")");
            r.put("details", "The image was rebuilt with " + first.source() + " " + first.fixedVersion()
                    + " or newer, which fixes " + first.cve() + " (Debian security tracker). Digests before the"
                    + " fixed one shipped " + first.source() + " " + first.installedVersion() + ".");
            ObjectNode affected = r.putArray("affected").addObject();
            ObjectNode pkg = affected.putObject("package");
            String release = pub == null ? null : pub.release();
            String version = release == null ? null : CatalogTags.version(release);
            pkg.put("ecosystem", version == null || !version.matches("\\d+") ? "Debian" : "Debian:" + version);
            pkg.put("name", first.source());
            ArrayNode events = affected.putArray("ranges").addObject().put("type", "ECOSYSTEM").putArray("events");
            events.addObject().put("introduced", "0");
            events.addObject().put("fixed", first.fixedVersion());
            ArrayNode images = affected.putObject("ecosystem_specific").putArray("images");
            for (CatalogStore.Fix f : g.getValue()) {
                CatalogStore.Publication p = byId.get(f.publicationId());
                ObjectNode image = images.addObject();
                image.put("image", f.image());
                image.put("variant", f.variant());
                if (p != null) {
                    image.put("repository", p.repository());
                    ArrayNode tags = image.putArray("fixed_tags");
                    p.tags().forEach(tags::add);
                }
                image.put("fixed_digest", f.digest());
                if (f.previousDigest() != null) {
                    image.putArray("affected_digests").add(f.previousDigest());
                }
            }
            affected.putObject("database_specific").put("severity", first.severity().toLowerCase(Locale.ROOT));
            ArrayNode refs = r.putArray("references");
            refs.addObject().put("type", "ADVISORY").put("url", "https://security-tracker.debian.org/tracker/"
                    + first.cve());
            out.put(g.getKey(), bytes(r));
        }
        return out;
    }

    /**
     * Writes {@code osv/ID.json} for every record and {@code vex/NAME.openvex.json} for every VEX
     * document into {@code dir}, each atomically.
     */
    public static int write(Path dir, Map<String, byte[]> osv, Map<String, byte[]> vex) {
        int n = 0;
        try {
            Files.createDirectories(dir.resolve("osv"));
            Files.createDirectories(dir.resolve("vex"));
            for (Map.Entry<String, byte[]> e : osv.entrySet()) {
                AtomicFiles.write(dir.resolve("osv").resolve(e.getKey() + ".json"), e.getValue());
                n++;
            }
            for (Map.Entry<String, byte[]> e : vex.entrySet()) {
                AtomicFiles.write(dir.resolve("vex").resolve(e.getKey() + ".openvex.json"), e.getValue());
                n++;
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO,
                    "Cannot write the advisories to " + dir + ": " + e, e);
        }
        return n;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
