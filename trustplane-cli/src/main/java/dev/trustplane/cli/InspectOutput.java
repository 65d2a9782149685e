package dev.trustplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageConfig;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.transfer.Location;
import java.io.PrintWriter;
import java.util.Map.Entry;
import java.util.TreeMap;

/** What {@code inspect} prints: the summary lines, or the JSON shape of {@code -o json}. */
final class InspectOutput {
    private static final ObjectMapper JSON = Json.pretty();

    private InspectOutput() {
    }

    static void text(PrintWriter out, Location location, RawManifest root, Manifest manifest, ImageConfig cfg) {
        out.println("Image:       " + location);
        out.println("Digest:      " + root.digest());
        out.println("Media type:  " + root.mediaType());
        if (manifest.artifactType() != null) {
            out.println("Artifact:    " + manifest.artifactType());
        }
        if (manifest.subject() != null) {
            out.println("Subject:     " + manifest.subject().digest());
        }
        switch (manifest) {
            case ImageIndex index -> {
                out.println("Manifests:   " + index.manifests().size());
                for (Descriptor d : index.manifests()) {
                    out.println("  " + pad(d.platform() == null ? "-" : d.platform().toString(), 16) + d.digest() + "  "
                            + Sizes.human(d.size()) + "  " + d.mediaType());
                }
            }
            case ImageManifest m -> {
                if (cfg != null) {
                    out.println("Platform:    " + cfg.os() + "/" + cfg.architecture()
                            + (cfg.variant() == null ? "" : "/" + cfg.variant()));
                    out.println("Created:     " + (cfg.created() == null ? "-" : cfg.created()));
                    out.println("User:        " + (cfg.user() == null || cfg.user().isEmpty() ? "(root)" : cfg.user()));
                    out.println("Entrypoint:  " + cfg.entrypoint());
                    out.println("Cmd:         " + cfg.cmd());
                    if (cfg.workingDir() != null && !cfg.workingDir().isEmpty()) {
                        out.println("Workdir:     " + cfg.workingDir());
                    }
                    out.println("Env:         " + cfg.env().size() + " variables");
                    cfg.labels().entrySet().stream().sorted(Entry.comparingByKey())
                            .forEach(e -> out.println("Label:       " + e.getKey() + "=" + e.getValue()));
                } else {
                    out.println("Config:      " + m.config().mediaType());
                }
                out.println("Layers:      " + m.layers().size());
                for (Descriptor l : m.layers()) {
                    out.println("  " + l.digest() + "  " + pad(Sizes.human(l.size()), 11) + l.mediaType());
                }
                out.println("Size:        " + Sizes.human(m.contentSize() + root.size()));
            }
        }
    }

    static ObjectNode json(Location location, RawManifest root, Manifest manifest, ImageConfig cfg) {
        ObjectNode n = JSON.createObjectNode();
        n.put("image", location.toString());
        n.put("digest", root.digest().toString());
        n.put("mediaType", root.mediaType());
        if (manifest.artifactType() != null) {
            n.put("artifactType", manifest.artifactType());
        }
        switch (manifest) {
            case ImageIndex index -> {
                ArrayNode list = n.putArray("manifests");
                for (Descriptor d : index.manifests()) {
                    ObjectNode e = list.addObject().put("digest", d.digest().toString()).put("size", d.size())
                            .put("mediaType", d.mediaType());
                    if (d.platform() != null) {
                        e.put("platform", d.platform().toString());
                    }
                }
            }
            case ImageManifest m -> {
                n.put("size", m.contentSize() + root.size());
                ArrayNode layers = n.putArray("layers");
                m.layers().forEach(l -> layers.addObject().put("digest", l.digest().toString()).put("size", l.size())
                        .put("mediaType", l.mediaType()));
                if (cfg != null) {
                    n.put("platform", cfg.os() + "/" + cfg.architecture() + (cfg.variant() == null ? "" : "/"
                            + cfg.variant()));
                    n.put("created", cfg.created());
                    n.put("user", cfg.user());
                    n.set("entrypoint", JSON.valueToTree(cfg.entrypoint()));
                    n.set("cmd", JSON.valueToTree(cfg.cmd()));
                    n.set("labels", JSON.valueToTree(new TreeMap<>(cfg.labels())));
                }
            }
        }
        return n;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
