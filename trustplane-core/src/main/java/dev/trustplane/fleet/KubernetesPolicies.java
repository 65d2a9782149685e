package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.PolicyProblem;
import dev.trustplane.policy.PolicySource;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The policies of {@code serve --policies k8s}: Kyverno's {@code ClusterPolicy} objects,
 * {@code Policy} objects of every namespace and {@code PolicyException}s, as Kyverno reads them from
 * the API server, and Trustplane's ConfigMap {@value #CONFIGMAP} in its own namespace (each data
 * entry named *.yaml, *.yml or *.json is a policy file). So {@code kubectl apply} of a policy works as
 * with Kyverno. Each collection is watched (a WebSocket watch from the version listed): an event
 * moves {@link #version()}, and {@link dev.trustplane.policy.PolicyWatcher} loads everything again;
 * while a watch is down, {@link #version()} lists that collection instead, so no change is missed.
 * After each load, the replica allowed to ({@link #writeStatusWhen}, the leader) writes each
 * policy's {@code status} back as Kyverno does: {@code ready} and a {@code Ready} condition, with
 * the problems that kept it out when it was refused. A collection the API server does not serve
 * (Kyverno's CRDs not installed) holds no policies; any other read error fails the load, and the
 * policies in force stay.
 */
public final class KubernetesPolicies implements PolicySource, AutoCloseable {
    /** Trustplane's own ConfigMap of policy files, in the pod's namespace. */
    public static final String CONFIGMAP = "trustplane-policies";
    static final String CLUSTER_POLICIES = "/apis/kyverno.io/v1/clusterpolicies";
    static final String POLICIES = "/apis/kyverno.io/v1/policies";
    static final String EXCEPTIONS = "/apis/kyverno.io/v2/policyexceptions";
    static final String CONFIGMAPS = "/api/v1/namespaces/{namespace}/configmaps";
    private static final List<String> WATCHED = List.of(CLUSTER_POLICIES, POLICIES, EXCEPTIONS);

    private final KubernetesInventory api;
    private final String namespace;
    private final EventListener listener;
    private final Clock clock;
    private final AtomicLong changes = new AtomicLong();
    private final Map<String, Boolean> watching = new ConcurrentHashMap<>();
    private final Map<String, WebSocket> sockets = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    private volatile BooleanSupplier writeStatus = () -> true;
    private volatile boolean wasLeading;
    /** Source name → the policy object last loaded, for its status. */
    private volatile Map<String, JsonNode> objects = Map.of();
    private volatile PolicyLoader.Loaded pending;

    public KubernetesPolicies(KubernetesInventory api, String namespace, Clock clock, EventListener listener) {
        this.api = api;
        this.namespace = namespace;
        this.clock = clock;
        this.listener = listener;
    }

    /** Starts watching the collections; call once, after the first {@link #load}. */
    public KubernetesPolicies watch() {
        for (String collection : WATCHED) {
            Thread t = Thread.ofPlatform().daemon(true).name("trustplane-policy-watch").start(() -> watchLoop(collection));
            threads.add(t);
        }
        return this;
    }

    /** Status is written only while {@code leader} says so (one replica of several writes it). */
    public KubernetesPolicies writeStatusWhen(BooleanSupplier leader) {
        this.writeStatus = leader;
        return this;
    }

    @Override
    public String describe() {
        return "the Kubernetes API (ClusterPolicy, Policy, PolicyException; ConfigMap " + namespace + "/" + CONFIGMAP
                + ")";
    }

    @Override
    public PolicyLoader.Loaded load(PolicyLoader loader) {
        List<PolicyLoader.Text> texts = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        Map<String, JsonNode> loaded = new LinkedHashMap<>();
        for (String collection : WATCHED) {
            for (JsonNode item : items(collection)) {
                String source = source(item);
                ObjectNode doc = item.deepCopy();
                doc.remove("status");
                ((ObjectNode) doc.path("metadata")).remove("managedFields");
                byte[] text = doc.toString().getBytes(StandardCharsets.UTF_8);
                if (text.length > PolicyLoader.MAX_FILE_BYTES) {
                    problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, source, null, null, "the object has "
                            + text.length + " bytes, more than the " + PolicyLoader.MAX_FILE_BYTES + " a policy may have"));
                    continue;
                }
                texts.add(new PolicyLoader.Text(source, text));
                if (!collection.equals(EXCEPTIONS)) {
                    loaded.put(source, item);
                }
            }
        }
        JsonNode configMap = api.read(CONFIGMAPS, namespace, CONFIGMAP);
        if (configMap != null) {
            Map<String, String> files = new TreeMap<>();
            configMap.path("data").fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText("")));
            files.forEach((key, value) -> {
                if (key.matches(".*\\.(ya?ml|json)$")) {
                    texts.add(new PolicyLoader.Text("ConfigMap " + namespace + "/" + CONFIGMAP + " " + key,
                            value.getBytes(StandardCharsets.UTF_8)));
                }
            });
        }
        objects = loaded;
        return loader.load(texts, problems);
    }

    private List<JsonNode> items(String collection) {
        try {
            return api.items(collection, new String[1]);
        } catch (TrustplaneException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return List.of(); // the CRD is not installed: no such policies
            }
            throw e;
        }
    }

    /** How a policy object is named in problems and decisions: {@code ClusterPolicy/NAME}, {@code Policy/NS/NAME}. */
    static String source(JsonNode item) {
        String kind = item.path("kind").asText("");
        JsonNode meta = item.path("metadata");
        String ns = meta.path("namespace").asText("");
        return kind + "/" + (ns.isEmpty() ? "" : ns + "/") + meta.path("name").asText("");
    }

    @Override
    public Object version() {
        publishPending();
        StringBuilder version = new StringBuilder().append(changes.get());
        for (String collection : WATCHED) {
            if (!watching.getOrDefault(collection, false)) {
                // not watched now: what it holds, listed
                for (JsonNode item : items(collection)) {
                    version.append(' ').append(item.path("metadata").path("uid").asText()).append('@')
                            .append(item.path("metadata").path("resourceVersion").asText());
                }
            }
        }
        JsonNode configMap = api.read(CONFIGMAPS, namespace, CONFIGMAP);
        version.append(" cm@").append(configMap == null ? "-" : configMap.path("metadata").path("resourceVersion")
                .asText());
        return version.toString();
    }

    @Override
    public void loaded(PolicyLoader.Loaded loaded) {
        pending = loaded;
        publishPending();
    }

    /** Writes the status of the last load when this replica may (at once, or when it becomes leader). */
    private synchronized void publishPending() {
        boolean leading = writeStatus.getAsBoolean();
        boolean became = leading && !wasLeading;
        wasLeading = leading;
        PolicyLoader.Loaded loaded = pending;
        if (!leading || loaded == null) {
            return;
        }
        pending = null;
        for (Map.Entry<String, JsonNode> e : objects.entrySet()) {
            List<String> errors = new ArrayList<>();
            for (PolicyProblem p : loaded.problems()) {
                if (p.severity() == PolicyProblem.Severity.ERROR
                        && p.source().replaceFirst(" \\(document \\d+\\)$", "").equals(e.getKey())) {
                    errors.add((p.path() == null || p.path().isEmpty() ? "" : p.path() + ": ") + p.message());
                }
            }
            writeStatus(e.getKey(), e.getValue(), errors, became);
        }
    }

    private void writeStatus(String source, JsonNode item, List<String> errors, boolean force) {
        boolean ready = errors.isEmpty();
        String message = ready ? "Ready" : String.join("; ", errors);
        JsonNode old = item.path("status");
        JsonNode condition = null;
        for (JsonNode c : old.path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                condition = c;
            }
        }
        if (!force && condition != null && old.path("ready").asBoolean() == ready
                && condition.path("status").asText().equals(ready ? "True" : "False")
                && condition.path("message").asText().equals(message)) {
            return;
        }
        ObjectNode object = item.deepCopy();
        ObjectNode status = object.putObject("status");
        status.put("ready", ready);
        ObjectNode c = status.putArray("conditions").addObject();
        c.put("type", "Ready").put("status", ready ? "True" : "False").put("reason", ready ? "Succeeded" : "Failed")
                .put("message", message).put("lastTransitionTime", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        String collection = item.path("kind").asText().equals("ClusterPolicy") ? CLUSTER_POLICIES
                : "/apis/kyverno.io/v1/namespaces/{namespace}/policies";
        try {
            if (!api.replaceStatus(collection, object)) {
                // changed since it was listed: that change reloads the policies and writes the status again
                listener.debug("policy status of " + source + ": changed meanwhile, written at the next load");
            }
        } catch (TrustplaneException e) {
            listener.warn("policy status of " + source + " not written: " + e.getMessage());
        }
    }

    private void watchLoop(String collection) {
        long backoff = 500;
        while (!closed) {
            try {
                String[] version = new String[1];
                api.items(collection, version);
                watching.put(collection, true);
                changes.incrementAndGet(); // what changed between the load and this list is seen now
                String at = version[0];
                while (!closed) {
                    at = KubernetesWatch.watch(api, collection, at, event -> changes.incrementAndGet(),
                            socket -> sockets.put(collection, socket));
                    backoff = 500;
                }
            } catch (KubernetesWatch.WatchExpired e) {
                watching.put(collection, false);
            } catch (TrustplaneException | IllegalStateException e) {
                watching.put(collection, false);
                if (closed) {
                    return;
                }
                if (!(e instanceof TrustplaneException t && t.kind() == ErrorKind.NOT_FOUND)) {
                    listener.warn("policy watch of " + collection + ": " + e.getMessage() + "; listed at each check"
                            + " until it is back");
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Iterator<WebSocket> it = sockets.values().iterator(); it.hasNext(); ) {
            it.next().abort();
        }
        threads.forEach(Thread::interrupt);
    }
}
