package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.admission.KubernetesNamespaces;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Leader election on a Kubernetes {@code coordination.k8s.io/v1} Lease, as client-go's leader
 * election does it: the holder renews {@code renewTime} every {@link #renewEvery()}; another
 * replica takes the lease over only once {@code renewTime + leaseDurationSeconds} has passed;
 * every write carries the {@code resourceVersion} it read, so of two replicas racing for it the API
 * server lets one win (409 for the other). Every replica tries every {@link #renewEvery()} (a fifth
 * of the duration: client-go's retry period), so a dead leader's lease moves within the duration
 * plus one retry. A replica that could not renew within the renew deadline (two thirds of the
 * duration) stops leading on its own, before any other replica may take over. Only the leader runs
 * the loops: drift, the catalog's archive watch and rebuild queue, feedback (ADR 020).
 */
public final class LeaderLease implements BooleanSupplier {
    /** The Lease the replicas of one installation share; it lives in the pod's namespace. */
    public static final String NAME = "trustplane-leader";
    /** Where Leases live; {@code {namespace}} is replaced. */
    public static final String COLLECTION = "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases";
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final KubernetesInventory api;
    private final String namespace;
    private final String name;
    private final String identity;
    private final Duration duration;
    private final Clock clock;
    private final EventListener listener;
    private volatile boolean leading;
    private volatile Instant renewedAt = Instant.MIN;
    private final AtomicLong acquisitions = new AtomicLong();

    /**
     * @param identity this replica (its pod name); must differ between replicas
     * @param duration how long a lease not renewed stays with its holder
     */
    public LeaderLease(KubernetesInventory api, String namespace, String name, String identity, Duration duration,
            Clock clock, EventListener listener) {
        this.api = api;
        this.namespace = namespace;
        this.name = name;
        this.identity = identity;
        this.duration = duration;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * The lease of this replica of an installation: named by POD_NAME (else HOSTNAME) and a random
     * suffix, so a restarted pod never mistakes its predecessor's lease for its own; in
     * POD_NAMESPACE, else the service account's namespace, else "trustplane".
     */
    public static LeaderLease forReplica(KubernetesInventory api, Map<String, String> env, Duration duration,
            EventListener listener) {
        String me = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "trustplane")) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        return new LeaderLease(api, namespace(env), NAME, me, duration, Clock.systemUTC(), listener);
    }

    /** The pod's namespace (POD_NAMESPACE, or the service account's), else "trustplane". */
    public static String namespace(Map<String, String> env) {
        String ns = env.get("POD_NAMESPACE");
        if (ns != null && !ns.isBlank()) {
            return ns;
        }
        try {
            return Files.readString(KubernetesNamespaces.SERVICE_ACCOUNT.resolve("namespace")).strip();
        } catch (IOException e) {
            return "trustplane";
        }
    }

    /** {@code duration} when a lease may last that long (5 s or more); {@code text} is how the user wrote it. */
    public static Duration checkDuration(Duration duration, String text) {
        if (duration.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--lease-duration " + text + " is too short: a"
                    + " leader renews every fifth of it over the API; use 5s or more (default 10s)");
        }
        return duration;
    }

    /** How often {@link #tryAcquireOrRenew()} should run: a fifth of the lease duration. */
    public Duration renewEvery() {
        return duration.dividedBy(5);
    }

    /** How long the lease stays with its holder without a renewal. */
    public Duration duration() {
        return duration;
    }

    /** How many times this replica became leader. */
    public long acquisitions() {
        return acquisitions.get();
    }

    /**
     * Whether this replica leads now: it holds the lease and renewed it within the renew deadline
     * (two thirds of the duration), so it has stopped before another replica may take over.
     */
    @Override
    public boolean getAsBoolean() {
        return leading && clock.instant().isBefore(renewedAt.plus(duration.multipliedBy(2).dividedBy(3)));
    }

    public String identity() {
        return identity;
    }

    /** Acquires, renews or takes over the lease when it may; returns whether this replica leads afterwards. */
    public synchronized boolean tryAcquireOrRenew() {
        Instant now = clock.instant();
        boolean was = getAsBoolean();
        try {
            JsonNode current = api.read(COLLECTION, namespace, name);
            boolean ok;
            if (current == null) {
                ok = api.create(COLLECTION, lease(null, now, now, 0));
            } else {
                JsonNode spec = current.path("spec");
                String holder = spec.path("holderIdentity").asText("");
                Instant renewed = time(spec.path("renewTime").asText(""));
                long seconds = spec.path("leaseDurationSeconds").asLong(duration.toSeconds());
                boolean expired = renewed == null || !now.isBefore(renewed.plusSeconds(seconds));
                String version = current.path("metadata").path("resourceVersion").asText("");
                int transitions = spec.path("leaseTransitions").asInt(0);
                if (holder.equals(identity)) {
                    Instant acquired = time(spec.path("acquireTime").asText(""));
                    ok = api.replace(COLLECTION, lease(version, acquired == null ? now : acquired, now, transitions));
                } else if (expired || holder.isEmpty()) {
                    ok = api.replace(COLLECTION, lease(version, now, now, transitions + 1));
                } else {
                    ok = false;
                }
            }
            leading = ok;
            if (ok) {
                renewedAt = now;
            }
        } catch (TrustplaneException e) {
            leading = false;
            listener.warn("leader lease " + namespace + "/" + name + ": " + e.getMessage() + "; not leading");
        }
        boolean is = getAsBoolean();
        if (is && !was) {
            acquisitions.incrementAndGet();
        }
        if (is != was) {
            listener.info("leader lease " + namespace + "/" + name + ": " + identity + (is ? " leads" : " no longer leads"));
        }
        return is;
    }

    private ObjectNode lease(String resourceVersion, Instant acquired, Instant renewed, int transitions) {
        ObjectNode lease = JsonNodeFactory.instance.objectNode().put("apiVersion", "coordination.k8s.io/v1")
                .put("kind", "Lease");
        ObjectNode meta = lease.putObject("metadata").put("name", name).put("namespace", namespace);
        if (resourceVersion != null && !resourceVersion.isEmpty()) {
            meta.put("resourceVersion", resourceVersion);
        }
        lease.putObject("spec").put("holderIdentity", identity).put("leaseDurationSeconds", duration.toSeconds())
                .put("acquireTime", MICRO.format(acquired)).put("renewTime", MICRO.format(renewed))
                .put("leaseTransitions", transitions);
        return lease;
    }

    private static Instant time(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
