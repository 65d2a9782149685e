package dev.trustplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageConfig;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map.Entry;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", description = "Show an image's manifest, configuration summary, platforms and size.")
final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = Json.mapper();
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "oci:DIR[:TAG], oci:DIR@DIGEST or REGISTRY/REPO[:TAG][@DIGEST]")
    String image;

    @Option(names = "--raw", description = "Print the manifest bytes exactly as stored")
    boolean raw;

    @Option(names = "--config", description = "Print the image configuration bytes exactly as stored")
    boolean config;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default: text)")
    String format;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    InspectCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Formats.require(format);
        Location location = Location.parse(image);
        ProgressRenderer renderer = registry.renderer(ctx);
        ImageSource source = ImageSource.open(location, registry.client(ctx, renderer));
        RawManifest root = source.resolve();
        Manifest manifest = root.parse(OciLimits.DEFAULT, location.toString());
        PrintWriter out = ctx.out();
        if (raw) {
            out.print(root.text());
            out.flush();
            return 0;
        }
        ImageConfig cfg = null;
        byte[] configBytes = null;
        if (manifest instanceof ImageManifest m && isImageConfig(m.config().mediaType())) {
            configBytes = source.readBlob(m.config(), OciLimits.DEFAULT.maxConfigBytes());
            cfg = ImageConfig.parse(configBytes, m.config().digest().toString());
        }
        if (config) {
            if (configBytes == null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                        location + " is " + (manifest instanceof ImageIndex ? "an index" : "an artifact")
                        + " and has no image configuration; inspect one of its images by digest");
            }
            out.print(new String(configBytes, StandardCharsets.UTF_8));
            out.flush();
            return 0;
        }
        if (format.equals("json")) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(location, root, manifest, cfg)));
            return 0;
        }
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
        return 0;
    }

    private static boolean isImageConfig(String mediaType) {
        return MediaTypes.OCI_CONFIG.equals(mediaType) || MediaTypes.DOCKER_CONFIG.equals(mediaType);
    }

    private static ObjectNode json(Location location, RawManifest root, Manifest manifest, ImageConfig cfg) {
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
