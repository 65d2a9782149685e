package dev.trustplane.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image configuration that tools show and policies read. The configuration's
 * bytes stay with the blob; this is a read-only summary.
 */
public record ImageConfig(
        String os,
        String architecture,
        String variant,
        String created,
        String user,
        List<String> env,
        List<String> entrypoint,
        List<String> cmd,
        String workingDir,
        Map<String, String> labels,
        List<String> exposedPorts,
        List<Digest> diffIds,
        int historyEntries) {

    public ImageConfig {
        env = List.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        labels = Map.copyOf(labels);
        exposedPorts = List.copyOf(exposedPorts);
        diffIds = List.copyOf(diffIds);
    }

    public static ImageConfig parse(byte[] bytes, String source) {
        JsonNode root = OciJson.tree(bytes, "Image configuration " + source);
        JsonNode config = root.path("config");
        List<Digest> diffIds = new ArrayList<>();
        root.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(Digest.parse(d.asText())));
        List<String> ports = new ArrayList<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        return new ImageConfig(
                OciJson.text(root, "os"),
                OciJson.text(root, "architecture"),
                OciJson.text(root, "variant"),
                OciJson.text(root, "created"),
                OciJson.text(config, "User"),
                strings(config.path("Env")),
                strings(config.path("Entrypoint")),
                strings(config.path("Cmd")),
                OciJson.text(config, "WorkingDir"),
                OciJson.stringMap(config.get("Labels")),
                ports,
                diffIds,
                root.path("history").size());
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
