package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.workload.ContainerImage;
import io.burt.jmespath.JmesPathException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One of a rule's {@code imageExtractors} for a kind, with Kyverno's semantics
 * ({@code lookupImageExtractor}/{@code extract} of pkg/utils/api): {@code path} split on {@code /},
 * {@code *} walking every element of a list or value of an object; {@code value} the field of the
 * object reached that holds the image (the path's last segment when unset); {@code key} the field
 * naming the image (its JSON pointer when unset); {@code jmesPath} applied to the image text, which
 * must give a string. Extractors for a kind replace the built-in container lists for that kind.
 *
 * @param name the name Kyverno files the images under ({@code custom} when unset); a decision shows it
 */
record ImageExtractor(String name, List<String> fields, String key, String value, String jmesPath) {

    ImageExtractor {
        fields = List.copyOf(fields);
    }

    /** Reads one extractor entry ({@code path} required) the way Kyverno builds it. */
    static ImageExtractor of(String name, String path, String key, String value, String jmesPath) {
        List<String> fields = new ArrayList<>();
        for (String f : path.split("/")) {
            if (!f.strip().isEmpty()) {
                fields.add(f.strip());
            }
        }
        String v = value;
        if (v == null || v.isEmpty()) {
            v = fields.isEmpty() ? "" : fields.remove(fields.size() - 1);
        }
        return new ImageExtractor(name == null || name.isEmpty() ? "custom" : name, fields, key, v, jmesPath);
    }

    /** The images this extractor finds in {@code object}; throws naming the problem (Kyverno's rule error). */
    List<ContainerImage> extract(JsonNode object) {
        List<ContainerImage> out = new ArrayList<>();
        walk(object, new ArrayList<>(), 0, out);
        return out;
    }

    private void walk(JsonNode node, List<String> at, int i, List<ContainerImage> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (i < fields.size() && fields.get(i).equals("*")) {
            if (node.isArray()) {
                for (int j = 0; j < node.size(); j++) {
                    walk(node.get(j), with(at, Integer.toString(j)), i + 1, out);
                }
            } else if (node.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    walk(e.getValue(), with(at, e.getKey()), i + 1, out);
                }
            } else {
                throw problem(at, "is not a list or an object, so * cannot walk it");
            }
            return;
        }
        if (!node.isObject()) {
            throw problem(at, "is not an object (invalid image config)");
        }
        if (i < fields.size()) {
            walk(node.get(fields.get(i)), with(at, fields.get(i)), i + 1, out);
            return;
        }
        String pointer = "/" + String.join("/", at) + "/" + value;
        JsonNode image = node.get(value);
        if (image == null || !image.isTextual() || image.asText().isBlank()) {
            return; // Kyverno: "image information is not present"
        }
        String text = image.asText();
        if (jmesPath != null && !jmesPath.isEmpty()) {
            JsonNode r;
            try {
                r = Conditions.compile(jmesPath).search(TextNode.valueOf(text));
            } catch (JmesPathException | IllegalArgumentException e) {
                throw problem(at, "jmesPath \"" + jmesPath + "\" failed on " + text + ": " + e.getMessage());
            }
            if (r == null || !r.isTextual()) {
                throw problem(at, "jmesPath \"" + jmesPath + "\" must give a string, and gave " + r);
            }
            text = r.asText();
        }
        String label = pointer;
        if (key != null && !key.isEmpty()) {
            JsonNode k = node.get(key);
            if (k == null || !k.isTextual()) {
                throw problem(at, "has no text field \"" + key + "\" (the extractor's key)");
            }
            label = k.asText();
        }
        out.add(new ContainerImage(name, out.size(), label, text, pointer));
    }

    private static List<String> with(List<String> at, String segment) {
        List<String> next = new ArrayList<>(at);
        next.add(segment.replace("~", "~0").replace("/", "~1"));
        return next;
    }

    private TrustplaneException problem(List<String> at, String what) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "imageExtractors " + name + ": /" + String.join("/", at)
                + " " + what);
    }
}
