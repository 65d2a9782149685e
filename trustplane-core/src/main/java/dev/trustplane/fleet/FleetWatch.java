package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * An informer for what runs: lists every kind the inventory reads once, then watches pods (a
 * long-lived {@code watch} over a WebSocket, not polling), keeps the objects in memory and names the
 * workload each pod event touches — the one it runs under now and, when that changed or the pod
 * went away, the one it ran under before. {@link #resync} lists again (owners, namespaces); an
 * expired watch (410) does so by itself. A watch that fails is retried with backoff from the last
 * resourceVersion seen.
 */
public final class FleetWatch implements AutoCloseable {
    private final KubernetesInventory api;
    private final EventListener listener;
    private final FleetIndex index;
    private volatile Consumer<WorkloadKey> changed = k -> { };
    private volatile String podsVersion;
    private volatile boolean closed;
    private volatile WebSocket socket;
    private Thread thread;

    public FleetWatch(KubernetesInventory api, EventListener listener) {
        this.api = api;
        this.listener = listener;
        this.index = new FleetIndex("the Kubernetes API " + api.api() + " (watched)");
    }

    /** Lists everything, then watches pods on a thread of its own; {@code onChange} hears each workload a pod event touched. */
    public FleetWatch start(Consumer<WorkloadKey> onChange) {
        this.changed = onChange;
        resync();
        thread = Thread.ofVirtual().name("trustplane-pod-watch").start(this::watch);
        return this;
    }

    /** Lists every kind again and replaces the objects held; returns the inventory it makes. */
    public synchronized Inventory resync() {
        String[] version = new String[1];
        List<JsonNode> listed = api.list(version);
        Inventory inventory = index.replace(listed);
        podsVersion = version[0];
        return inventory;
    }

    /** What runs, from the objects held (no API request). */
    public Inventory snapshot() {
        return index.snapshot();
    }

    /** What runs of one workload, from the objects held: its pods, their owners, its namespace. */
    public Inventory workload(WorkloadKey workload) {
        return index.workload(workload);
    }

    /** Applies one watch event ({@code type}, {@code object}: a Pod) and tells which workloads it touched. */
    void apply(JsonNode event) {
        String type = event.path("type").asText("");
        JsonNode pod = event.path("object");
        if (!pod.isObject()) {
            return;
        }
        ((ObjectNode) pod).put("kind", "Pod");
        index.apply(pod, type.equals("DELETED")).forEach(changed);
    }

    private void watch() {
        long backoff = 500;
        while (!closed) {
            try {
                podsVersion = api.watchPods(podsVersion, this::apply, socket -> this.socket = socket);
                backoff = 500;
            } catch (KubernetesWatch.WatchExpired e) {
                try {
                    resync();
                } catch (TrustplaneException ex) {
                    listener.warn("pod watch: could not list again: " + ex.getMessage());
                    sleep(backoff);
                    backoff = Math.min(30_000, backoff * 2);
                }
            } catch (TrustplaneException | IllegalStateException e) {
                if (closed) {
                    return;
                }
                listener.warn("pod watch: " + e.getMessage() + "; retrying in " + Duration.ofMillis(backoff).toSeconds()
                        + " s");
                sleep(backoff);
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
