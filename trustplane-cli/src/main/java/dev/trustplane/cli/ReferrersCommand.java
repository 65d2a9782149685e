package dev.trustplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "referrers", description = {
        "Show the tree of artifacts that refer to an image (signatures, SBOMs, attestations), like `oras discover`.",
        "Reads the referrers API, or the sha256-<hex> fallback tag on registries without it. For an index,",
        "also each platform's image: SBOMs and provenance usually hang off those."})
final class ReferrersCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = Json.mapper();
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "oci:DIR[:TAG] or REGISTRY/REPO[:TAG][@DIGEST]")
    String image;

    @Option(names = "--artifact-type", paramLabel = "TYPE", description = "Only referrers of this artifact type")
    String artifactType;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "3",
            description = "How many levels of referrers-of-referrers to follow (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default: text)")
    String format;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    ReferrersCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Formats.require(format);
        Location location = Location.parse(image);
        ProgressRenderer renderer = registry.renderer(ctx);
        ImageSource source = ImageSource.open(location, registry.client(ctx, renderer));
        RawManifest root = source.resolve();
        PrintWriter out = ctx.out();
        Set<Digest> seen = new HashSet<>();
        List<Descriptor> platforms = root.parse() instanceof ImageIndex index ? index.manifests() : List.of();
        if (format.equals("json")) {
            ObjectNode n = JSON.createObjectNode().put("image", location.toString())
                    .put("digest", root.digest().toString());
            n.set("referrers", jsonTree(source, root.digest(), 1, seen));
            if (!platforms.isEmpty()) {
                ArrayNode list = n.putArray("platforms");
                for (Descriptor p : platforms) {
                    ObjectNode o = list.addObject().put("platform", p.platform() == null ? "" : p.platform().toString())
                            .put("digest", p.digest().toString());
                    o.set("referrers", jsonTree(source, p.digest(), 1, seen));
                }
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
            return 0;
        }
        out.println(displayName(location) + "@" + root.digest());
        printTree(out, source, root.digest(), "", 1, seen);
        for (Descriptor p : platforms) {
            out.println("platform " + (p.platform() == null ? "(none)" : p.platform()) + ": " + displayName(location)
                    + "@" + p.digest());
            printTree(out, source, p.digest(), "", 1, seen);
        }
        out.println("(" + source.referrersSource(root.digest()) + ")");
        return 0;
    }

    private void printTree(PrintWriter out, ImageSource source, Digest subject, String indent, int level,
            Set<Digest> seen) {
        if (level > depth || !seen.add(subject)) {
            return;
        }
        Map<String, List<Descriptor>> byType = new TreeMap<>();
        for (Descriptor d : source.referrers(subject, level == 1 ? artifactType : null)) {
            byType.computeIfAbsent(d.artifactType() == null ? "(no artifact type)" : d.artifactType(),
                    k -> new ArrayList<>()).add(d);
        }
        int t = 0;
        for (Map.Entry<String, List<Descriptor>> e : byType.entrySet()) {
            boolean lastType = ++t == byType.size();
            out.println(indent + (lastType ? "└── " : "├── ") + e.getKey());
            String typeIndent = indent + (lastType ? "    " : "│   ");
            int i = 0;
            for (Descriptor d : e.getValue()) {
                boolean last = ++i == e.getValue().size();
                out.println(typeIndent + (last ? "└── " : "├── ") + d.digest());
                printTree(out, source, d.digest(), typeIndent + (last ? "    " : "│   "), level + 1, seen);
            }
        }
    }

    private ArrayNode jsonTree(ImageSource source, Digest subject, int level, Set<Digest> seen) {
        ArrayNode list = JSON.createArrayNode();
        if (level > depth || !seen.add(subject)) {
            return list;
        }
        for (Descriptor d : source.referrers(subject, level == 1 ? artifactType : null)) {
            ObjectNode n = list.addObject().put("digest", d.digest().toString()).put("mediaType", d.mediaType())
                    .put("size", d.size());
            if (d.artifactType() != null) {
                n.put("artifactType", d.artifactType());
            }
            if (!d.annotations().isEmpty()) {
                n.set("annotations", JSON.valueToTree(new TreeMap<>(d.annotations())));
            }
            n.set("referrers", jsonTree(source, d.digest(), level + 1, seen));
        }
        return list;
    }

    private static String displayName(Location location) {
        return switch (location) {
            case Location.Layout l -> "oci:" + l.dir();
            case Location.Registry r -> r.reference().name();
        };
    }
}
