package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What runs, held in memory and indexed by workload: the objects the inventory reads (by kind,
 * namespace and name) and, for every pod, the workload it runs under. A pod event touches one pod:
 * its workload is found by walking that pod's owners in the index, and the workload's inventory is
 * made of its own pods, owners and namespace — the cost of an event does not grow with the
 * namespace or the fleet. Thread-safe for one writer and many readers.
 */
public final class FleetIndex {
    private final String source;
    private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();
    private final Map<String, WorkloadKey> podWorkloads = new ConcurrentHashMap<>();
    private final Map<WorkloadKey, Set<String>> workloadPods = new ConcurrentHashMap<>();

    /** {@code source} names where the objects come from in messages ("the Kubernetes API …"). */
    public FleetIndex(String source) {
        this.source = source;
    }

    /** Replaces everything held by {@code listed} and returns the inventory it makes. */
    public synchronized Inventory replace(List<JsonNode> listed) {
        objects.clear();
        podWorkloads.clear();
        workloadPods.clear();
        for (JsonNode o : listed) {
            objects.put(key(o), o);
        }
        Inventory inventory = snapshot();
        for (RunningWorkload w : inventory.workloads()) {
            WorkloadKey k = WorkloadKey.of(w);
            for (JsonNode pod : w.pods()) {
                String podKey = key(pod);
                podWorkloads.put(podKey, k);
                workloadPods.computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet()).add(podKey);
            }
        }
        return inventory;
    }

    /** What runs, from every object held. */
    public Inventory snapshot() {
        return Inventory.of(new ArrayList<>(objects.values()), source, Instant.now());
    }

    /** What runs of one workload: its pods, their owners and its namespace (empty when none of its pods is left). */
    public Inventory workload(WorkloadKey workload) {
        Set<String> pods = workloadPods.getOrDefault(workload, Set.of());
        Set<JsonNode> in = new LinkedHashSet<>();
        JsonNode namespace = objects.get(key("Namespace", "", workload.namespace()));
        if (namespace != null) {
            in.add(namespace);
        }
        for (String podKey : pods) {
            JsonNode pod = objects.get(podKey);
            if (pod != null) {
                in.addAll(chain(pod));
            }
        }
        return Inventory.of(new ArrayList<>(in), source, Instant.now());
    }

    /**
     * Applies one pod as the API now has it ({@code deleted}: gone) and returns the workloads this
     * touched: the one it runs under now and, when that changed or the pod went away, the one it
     * ran under before.
     */
    public synchronized List<WorkloadKey> apply(JsonNode pod, boolean deleted) {
        String podKey = key(pod);
        WorkloadKey now = null;
        if (deleted) {
            objects.remove(podKey);
        } else {
            objects.put(podKey, pod);
            List<JsonNode> chain = chain(pod);
            JsonNode namespace = objects.get(key("Namespace", "", pod.path("metadata").path("namespace").asText("")));
            if (namespace != null) {
                chain.add(namespace);
            }
            List<RunningWorkload> runs = Inventory.of(chain, source, Instant.now()).workloads();
            now = runs.isEmpty() ? null : WorkloadKey.of(runs.get(0));
        }
        WorkloadKey before = now == null ? podWorkloads.remove(podKey) : podWorkloads.put(podKey, now);
        if (before != null && !before.equals(now)) {
            Set<String> left = workloadPods.get(before);
            if (left != null) {
                left.remove(podKey);
                if (left.isEmpty()) {
                    workloadPods.remove(before);
                }
            }
        }
        if (now != null) {
            workloadPods.computeIfAbsent(now, x -> ConcurrentHashMap.newKeySet()).add(podKey);
        }
        List<WorkloadKey> touched = new ArrayList<>(2);
        if (now != null) {
            touched.add(now);
        }
        if (before != null && !before.equals(now)) {
            touched.add(before);
        }
        return touched;
    }

    /** How many workloads have at least one pod held. */
    public int workloads() {
        return workloadPods.size();
    }

    /** The pod and the owners its controller references lead to, as far as they are held. */
    private List<JsonNode> chain(JsonNode pod) {
        List<JsonNode> out = new ArrayList<>(3);
        out.add(pod);
        String namespace = pod.path("metadata").path("namespace").asText("");
        Set<String> seen = new HashSet<>();
        JsonNode at = pod;
        while (true) {
            JsonNode ref = Inventory.controller(at.path("metadata"));
            if (ref == null) {
                return out;
            }
            String k = key(ref.path("kind").asText(""), namespace, ref.path("name").asText(""));
            JsonNode owner = objects.get(k);
            if (owner == null && at == pod) {
                // A ReplicaSet not listed yet (a rollout since the last list): its Deployment is its
                // name without the pod-template-hash, as the inventory reads it.
                String rs = ref.path("name").asText("");
                String hash = pod.path("metadata").path("labels").path("pod-template-hash").asText("");
                if (ref.path("kind").asText("").equals("ReplicaSet") && !hash.isEmpty() && rs.endsWith("-" + hash)) {
                    JsonNode deployment = objects.get(key("Deployment", namespace,
                            rs.substring(0, rs.length() - hash.length() - 1)));
                    if (deployment != null) {
                        out.add(deployment);
                    }
                }
                return out;
            }
            if (owner == null || !seen.add(k)) {
                return out;
            }
            out.add(owner);
            at = owner;
        }
    }

    static String key(JsonNode o) {
        JsonNode meta = o.path("metadata");
        return key(o.path("kind").asText(), meta.path("namespace").asText(""), meta.path("name").asText());
    }

    private static String key(String kind, String namespace, String name) {
        return kind + "\0" + namespace + "\0" + name;
    }
}
