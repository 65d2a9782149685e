package dev.trustplane.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.Printable;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The wire mapping of manifests, indexes and descriptors. Unknown fields are kept, never dropped. */
final class OciJson {
    static final ObjectMapper MAPPER = Json.mapper();
    /** A manifest is one JSON document: anything but whitespace after it is refused (found by fuzzing). */
    private static final ObjectReader WHOLE = MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Set<String> DESCRIPTOR_FIELDS =
            Set.of("mediaType", "digest", "size", "artifactType", "annotations", "platform", "urls");
    private static final Set<String> MANIFEST_FIELDS =
            Set.of("schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations");
    private static final Set<String> INDEX_FIELDS =
            Set.of("schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations");

    private OciJson() {
    }

    static String detectMediaType(byte[] bytes) {
        JsonNode root = tree(bytes, "manifest");
        String declared = text(root, "mediaType");
        if (declared != null) {
            return declared;
        }
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.path("schemaVersion").asInt() == 1) {
            return MediaTypes.DOCKER_SCHEMA1;
        }
        return MediaTypes.OCI_MANIFEST;
    }

    static Manifest readManifest(byte[] bytes, String mediaType, OciLimits limits, String source) {
        limits.checkManifestSize(bytes.length, "Manifest " + source);
        if (MediaTypes.isSchema1(mediaType)) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Manifest " + source
                    + " uses Docker schema 1, which is deprecated and unsupported; re-push the image with a current"
                    + " client (OCI or Docker schema 2)");
        }
        JsonNode root = tree(bytes, "Manifest " + source);
        if (!root.isObject()) {
            throw malformed(source, "the top level is not a JSON object");
        }
        int schemaVersion = root.path("schemaVersion").asInt(-1);
        if (schemaVersion != 2) {
            throw malformed(source, "schemaVersion must be 2, found " + root.path("schemaVersion"));
        }
        String declared = text(root, "mediaType");
        if (declared != null && !declared.equals(mediaType)) {
            throw malformed(source, "it declares mediaType " + declared + " but was served as " + mediaType);
        }
        try {
            if (MediaTypes.isIndex(mediaType) || (!MediaTypes.isImageManifest(mediaType) && root.has("manifests"))) {
                ArrayNode entries = array(root, "manifests", source);
                if (entries.size() > limits.maxIndexEntries()) {
                    throw new LimitExceededException("max-index-entries", limits.maxIndexEntries(),
                            "Index " + source + " (" + entries.size() + " entries)");
                }
                return new ImageIndex(mediaType, text(root, "artifactType"), descriptors(entries, source),
                        optionalDescriptor(root.get("subject"), source), stringMap(root.get("annotations")),
                        extra(root, INDEX_FIELDS));
            }
            ArrayNode layers = array(root, "layers", source);
            if (layers.size() > limits.maxLayers()) {
                throw new LimitExceededException("max-layers", limits.maxLayers(),
                        "Manifest " + source + " (" + layers.size() + " layers)");
            }
            JsonNode config = root.get("config");
            if (config == null) {
                throw malformed(source, "the field \"config\" is missing");
            }
            return new ImageManifest(mediaType, text(root, "artifactType"), descriptor(config, source),
                    descriptors(layers, source), optionalDescriptor(root.get("subject"), source),
                    stringMap(root.get("annotations")), extra(root, MANIFEST_FIELDS));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw malformed(source, e.getMessage());
        }
    }

    static byte[] write(Manifest manifest) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", manifest.mediaType());
        if (manifest.artifactType() != null) {
            root.put("artifactType", manifest.artifactType());
        }
        Map<String, Object> extra;
        switch (manifest) {
            case ImageManifest m -> {
                root.set("config", node(m.config()));
                ArrayNode layers = root.putArray("layers");
                m.layers().forEach(d -> layers.add(node(d)));
                extra = m.extra();
            }
            case ImageIndex i -> {
                ArrayNode manifests = root.putArray("manifests");
                i.manifests().forEach(d -> manifests.add(node(d)));
                extra = i.extra();
            }
        }
        if (manifest.subject() != null) {
            root.set("subject", node(manifest.subject()));
        }
        if (!manifest.annotations().isEmpty()) {
            root.set("annotations", MAPPER.valueToTree(new TreeMap<>(manifest.annotations())));
        }
        extra.forEach((k, v) -> root.set(k, MAPPER.valueToTree(v)));
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a manifest", e);
        }
    }

    static ObjectNode node(Descriptor d) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("mediaType", d.mediaType());
        if (d.artifactType() != null) {
            n.put("artifactType", d.artifactType());
        }
        n.put("digest", d.digest().toString());
        n.put("size", d.size());
        if (!d.urls().isEmpty()) {
            ArrayNode urls = n.putArray("urls");
            d.urls().forEach(urls::add);
        }
        if (!d.annotations().isEmpty()) {
            n.set("annotations", MAPPER.valueToTree(new TreeMap<>(d.annotations())));
        }
        if (d.platform() != null) {
            Platform p = d.platform();
            ObjectNode pn = n.putObject("platform");
            pn.put("architecture", p.architecture());
            pn.put("os", p.os());
            if (p.osVersion() != null) {
                pn.put("os.version", p.osVersion());
            }
            if (!p.osFeatures().isEmpty()) {
                ArrayNode features = pn.putArray("os.features");
                p.osFeatures().forEach(features::add);
            }
            if (p.variant() != null) {
                pn.put("variant", p.variant());
            }
        }
        d.extra().forEach((k, v) -> n.set(k, MAPPER.valueToTree(v)));
        return n;
    }

    static JsonNode tree(byte[] bytes, String subject) {
        try {
            JsonNode node = WHOLE.readValue(bytes);
            if (node == null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, subject + " is empty; expected JSON");
            }
            return node;
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                    subject + " is not valid JSON: " + firstLine(e), e);
        }
    }

    /** The parser's complaint, first line only, with control characters of the input shown escaped. */
    private static String firstLine(IOException e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        String line = m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
        return Printable.of(line, 300);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }

    private static ArrayNode array(JsonNode root, String field, String source) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!node.isArray()) {
            throw malformed(source, "the field \"" + field + "\" is not an array");
        }
        return (ArrayNode) node;
    }

    private static List<Descriptor> descriptors(ArrayNode array, String source) {
        List<Descriptor> list = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            list.add(descriptor(n, source));
        }
        return list;
    }

    private static Descriptor optionalDescriptor(JsonNode node, String source) {
        return node == null || node.isNull() ? null : descriptor(node, source);
    }

    static Descriptor descriptor(JsonNode n, String source) {
        if (!n.isObject()) {
            throw malformed(source, "a descriptor is not a JSON object");
        }
        String mediaType = text(n, "mediaType");
        String digest = text(n, "digest");
        if (mediaType == null || digest == null || !n.path("size").canConvertToLong()) {
            throw malformed(source, "a descriptor lacks mediaType, digest or size: " + n);
        }
        Platform platform = null;
        JsonNode p = n.get("platform");
        if (p != null && p.isObject()) {
            List<String> features = new ArrayList<>();
            p.path("os.features").forEach(f -> features.add(f.asText()));
            platform = new Platform(p.path("os").asText(), p.path("architecture").asText(), text(p, "variant"),
                    text(p, "os.version"), features);
        }
        List<String> urls = new ArrayList<>();
        n.path("urls").forEach(u -> urls.add(u.asText()));
        return new Descriptor(mediaType, Digest.parse(digest), n.get("size").asLong(), text(n, "artifactType"),
                stringMap(n.get("annotations")), platform, urls, extra(n, DESCRIPTOR_FIELDS));
    }

    private static Map<String, Object> extra(JsonNode node, Set<String> known) {
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
                extra.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        return extra;
    }

    private static TrustplaneException malformed(String source, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT,
                "Manifest " + source + " is not a valid OCI manifest or index: " + why);
    }
}
