package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.BooleanSupplier;

/**
 * Leader election on a Kubernetes {@code coordination.k8s.io/v1} Lease, as client-go's leader
 * election does it: the holder renews {@code renewTime} every {@link #renewEvery()}; another
 * replica takes the lease over only once {@code renewTime + leaseDurationSeconds} has passed;
 * every write carries the {@code resourceVersion} it read, so of two replicas racing for it the API
 * server lets one win (409 for the other). A replica that cannot renew in time stops leading at
 * once (it does not wait for the API to say so). Only the leader runs the drift loop.
 */
public final class LeaderLease implements BooleanSupplier {
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

    /** How often {@link #tryAcquireOrRenew()} should run: a third of the lease duration. */
    public Duration renewEvery() {
        return duration.dividedBy(3);
    }

    /** Whether this replica leads now: it holds the lease and renewed it within the lease duration. */
    @Override
    public boolean getAsBoolean() {
        return leading && clock.instant().isBefore(renewedAt.plus(duration));
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
