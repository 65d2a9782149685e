package dev.trustplane.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.workload.ContainerImage;
import dev.trustplane.workload.Manifests;
import dev.trustplane.workload.WorkloadException;
import dev.trustplane.workload.Workloads;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What runs: every workload with its pods and the digest each container runs, and the labels of
 * every namespace. Built from Kubernetes objects as the API server returns them (Pods, their
 * ReplicaSets, Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Namespaces), from the
 * API or from {@code kubectl get … -o json} files. Pods that finished (Succeeded, Failed) do not
 * run and are left out; a container whose image is not pulled yet has no digest, and says so.
 *
 * @param workloads       what runs, ordered by namespace, kind and name
 * @param namespaceLabels the labels of every namespace the objects included
 * @param source          where it was read from (files, an API server)
 */
public record Inventory(List<RunningWorkload> workloads, Map<String, Map<String, String>> namespaceLabels,
        String source, Instant takenAt) {

    /** The largest inventory file read (a fleet of 10,000 pods as {@code kubectl get -o json} is ~60 MB). */
    public static final long MAX_FILE_BYTES = 1L << 30;
    /** YAML inventories are parsed whole, with the YAML reader's limit. */
    private static final long MAX_YAML_BYTES = 8L << 20;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern IMAGE_ID = Pattern.compile("^(?:docker-pullable://|containerd://|cri-o://)?"
            + "(?:[^@\\s]+@)?(sha256:[0-9a-f]{64})$");
    private static final Set<String> KINDS = Set.of("Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job",
            "CronJob", "Namespace", "ReplicationController");

    public Inventory {
        workloads = List.copyOf(workloads);
        namespaceLabels = Map.copyOf(namespaceLabels);
    }

    /** Every container of every workload. */
    public int containers() {
        return workloads.stream().mapToInt(w -> w.images().size()).sum();
    }

    /**
     * Reads {@code kubectl get pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs,namespaces
     * -A -o json} files (JSON or YAML; a {@code List} or single objects), every file adding to one
     * inventory.
     */
    public static Inventory fromFiles(List<Path> files) {
        List<JsonNode> objects = new ArrayList<>();
        for (Path file : files) {
            objects.addAll(read(file));
        }
        return of(objects, "--inventory " + String.join(", ", files.stream().map(Path::toString).toList()),
                Instant.now());
    }

    private static List<JsonNode> read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "--inventory " + file + " is larger than "
                        + MAX_FILE_BYTES + " bytes");
            }
            try (PushbackInputStream in = new PushbackInputStream(Files.newInputStream(file), 1)) {
                int first;
                do {
                    first = in.read();
                } while (first == ' ' || first == '\n' || first == '\r' || first == '\t');
                if (first != '{' && first != '[') {
                    return Manifests.read(file, "--inventory", MAX_YAML_BYTES).stream()
                            .map(Manifests.Document::object).toList();
                }
                in.unread(first);
                return json(in, file);
            }
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "--inventory " + file + " does not exist; write it with"
                    + " `kubectl get pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs,namespaces -A -o"
                    + " json > FILE`");
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read --inventory " + file + ": " + e.getMessage());
        }
    }

    private static List<JsonNode> json(InputStream in, Path file) {
        ObjectMapper mapper = Json.mapper();
        List<JsonNode> out = new ArrayList<>();
        try (JsonParser p = mapper.createParser(in)) {
            while (p.nextToken() != null) {
                JsonNode node = mapper.readTree(p);
                if (node.isArray()) {
                    node.forEach(out::add);
                } else if (node.isObject() && node.path("kind").asText().endsWith("List")) {
                    JsonNode items = node.get("items");
                    if (items == null || !items.isArray()) {
                        throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--inventory " + file + ": the List has no"
                                + " items array; pass the output of `kubectl get … -o json`");
                    }
                    items.forEach(out::add);
                } else if (node.isObject()) {
                    out.add(node);
                } else if (p.currentToken() != JsonToken.END_ARRAY) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--inventory " + file + " holds a JSON "
                            + node.getNodeType().toString().toLowerCase(Locale.ROOT)
                            + ", not Kubernetes objects; pass the output of `kubectl get … -o json`");
                }
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--inventory " + file + " is not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "; pass the output of"
                    + " `kubectl get … -o json`");
        }
        for (int i = 0; i < out.size(); i++) {
            JsonNode o = out.get(i);
            if (!o.isObject() || o.path("kind").asText("").isEmpty() || !o.path("metadata").isObject()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--inventory " + file + " object " + (i + 1)
                        + " has no kind or metadata; pass the output of `kubectl get … -o json`");
            }
        }
        return out;
    }

    /** The inventory of {@code objects} (kinds Trustplane does not read are ignored). */
    public static Inventory of(List<JsonNode> objects, String source, Instant takenAt) {
        Map<String, JsonNode> byKey = new HashMap<>();
        Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
        List<JsonNode> pods = new ArrayList<>();
        for (JsonNode o : objects) {
            String kind = o.path("kind").asText("");
            if (!KINDS.contains(kind)) {
                continue;
            }
            JsonNode meta = o.path("metadata");
            if (kind.equals("Namespace")) {
                namespaces.put(meta.path("name").asText(), strings(meta.path("labels")));
                continue;
            }
            byKey.put(key(kind, meta.path("namespace").asText(""), meta.path("name").asText("")), o);
            if (kind.equals("Pod")) {
                String phase = o.path("status").path("phase").asText("");
                if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
                    pods.add(o);
                }
            }
        }
        Map<String, Builder> workloads = new LinkedHashMap<>();
        for (JsonNode pod : pods) {
            JsonNode meta = pod.path("metadata");
            String namespace = meta.path("namespace").asText("");
            String podName = meta.path("name").asText("");
            List<String> owners = new ArrayList<>();
            String kind = "Pod";
            String name = podName;
            JsonNode top = pod;
            boolean isStatic = meta.path("annotations").has("kubernetes.io/config.mirror");
            JsonNode ref = controller(meta);
            while (ref != null) {
                String refKind = ref.path("kind").asText("");
                String refName = ref.path("name").asText("");
                if (refKind.equals("Node")) {
                    isStatic = true;
                    break;
                }
                owners.add(refKind + "/" + refName);
                kind = refKind;
                name = refName;
                JsonNode owner = byKey.get(key(refKind, namespace, refName));
                top = owner;
                if (owner != null) {
                    ref = controller(owner.path("metadata"));
                } else {
                    ref = null;
                    // The ReplicaSet was not listed: its Deployment is its name without the pod-template-hash.
                    String hash = meta.path("labels").path("pod-template-hash").asText("");
                    if (refKind.equals("ReplicaSet") && !hash.isEmpty() && refName.endsWith("-" + hash)) {
                        kind = "Deployment";
                        name = refName.substring(0, refName.length() - hash.length() - 1);
                        owners.add(kind + "/" + name);
                        top = byKey.get(key(kind, namespace, name));
                    }
                }
            }
            String wkey = key(kind, namespace, name);
            Builder b = workloads.computeIfAbsent(wkey, k -> new Builder());
            b.namespace = namespace;
            b.kind = kind;
            b.name = name;
            b.staticPod |= isStatic;
            b.owner = top == pod ? null : top;
            owners.forEach(o -> {
                if (!b.owners.contains(o)) {
                    b.owners.add(o);
                }
            });
            b.pods.add(pod);
            List<ContainerImage> containers;
            try {
                containers = Workloads.of(pod).containers();
            } catch (WorkloadException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + ": Pod " + namespace + "/" + podName
                        + ": " + e.getMessage());
            }
            for (ContainerImage c : containers) {
                JsonNode status = status(pod.path("status"), c);
                String[] digest = digest(status, c);
                b.add(c, digest[0], digest[1], podName);
            }
        }
        List<RunningWorkload> out = new ArrayList<>();
        for (Builder b : workloads.values()) {
            JsonNode firstPod = b.pods.get(0);
            Map<String, String> annotations = new LinkedHashMap<>();
            if (b.owner != null) {
                annotations.putAll(strings(b.owner.path("metadata").path("annotations")));
            }
            strings(firstPod.path("metadata").path("annotations")).forEach(annotations::putIfAbsent);
            out.add(new RunningWorkload(b.namespace, b.kind, b.name, b.staticPod, b.owners,
                    strings(firstPod.path("metadata").path("labels")), annotations, b.owner, b.pods,
                    b.images.values().stream().map(Builder.Image::build).toList()));
        }
        out.sort((a, c) -> (a.namespace() + "\0" + a.kind() + "\0" + a.name())
                .compareTo(c.namespace() + "\0" + c.kind() + "\0" + c.name()));
        return new Inventory(out, namespaces, source, takenAt);
    }

    /** The running digest of one container and, when there is none, why: {digest, note}. */
    static String[] digest(JsonNode status, ContainerImage c) {
        if (status == null) {
            return new String[] {null, "no status yet (the pod is not scheduled or the container not created)"};
        }
        String id = status.path("imageID").asText("");
        if (id.isEmpty()) {
            JsonNode waiting = status.path("state").path("waiting");
            return new String[] {null, "not pulled yet" + (waiting.has("reason") ? " (" + waiting.path("reason").asText()
                    + ")" : "")};
        }
        if (id.startsWith("docker://")) {
            return new String[] {null, "the runtime reports only a local image ID (" + id + "), not a registry digest"};
        }
        Matcher m = IMAGE_ID.matcher(id);
        if (m.matches()) {
            return new String[] {m.group(1), null};
        }
        Matcher any = DIGEST.matcher(id);
        return new String[] {null, "unrecognised imageID '" + id + "'" + (any.find() ? "" : " (no sha256 digest in it)")};
    }

    private static JsonNode status(JsonNode status, ContainerImage c) {
        String list = switch (c.list()) {
            case "initContainers" -> "initContainerStatuses";
            case "ephemeralContainers" -> "ephemeralContainerStatuses";
            default -> "containerStatuses";
        };
        for (JsonNode s : status.path(list)) {
            if (s.path("name").asText("").equals(c.name())) {
                return s;
            }
        }
        return null;
    }

    static JsonNode controller(JsonNode meta) {
        JsonNode first = null;
        for (JsonNode r : meta.path("ownerReferences")) {
            if (r.path("controller").asBoolean(false)) {
                return r;
            }
            if (first == null) {
                first = r;
            }
        }
        return first;
    }

    private static String key(String kind, String namespace, String name) {
        return kind + "\0" + namespace + "\0" + name;
    }

    static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static final class Builder {
        String namespace;
        String kind;
        String name;
        boolean staticPod;
        JsonNode owner;
        final List<String> owners = new ArrayList<>();
        final List<JsonNode> pods = new ArrayList<>();
        final Map<String, Image> images = new LinkedHashMap<>();

        void add(ContainerImage c, String digest, String note, String pod) {
            Image image = images.computeIfAbsent(c.label() + "\0" + c.image() + "\0" + digest + "\0" + note,
                    k -> new Image(c, digest, note));
            image.pods.add(pod);
        }

        record Image(ContainerImage container, String digest, String note, List<String> pods) {
            Image(ContainerImage container, String digest, String note) {
                this(container, digest, note, new ArrayList<>());
            }

            RunningImage build() {
                return new RunningImage(container.label(), container.name(), container.image(), digest, note, pods);
            }
        }
    }
}
