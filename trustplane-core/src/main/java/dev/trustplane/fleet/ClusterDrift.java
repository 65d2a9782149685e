package dev.trustplane.fleet;

import dev.trustplane.admission.AdmissionController;
import dev.trustplane.admission.KubernetesNamespaces;
import dev.trustplane.event.EventListener;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The drift loop of one webhook replica in a cluster, the use case {@code serve --drift-interval}
 * runs: the pod informer, the loop sharing the admission controller's policies, verifier and
 * store, PolicyReports written after each pass, and the Lease that lets one replica of several
 * run it. Its front end schedules {@link DriftLoop#tick} and {@link LeaderLease#tryAcquireOrRenew}
 * and closes it on shutdown.
 */
public record ClusterDrift(DriftLoop loop, LeaderLease lease, FleetWatch watch) implements AutoCloseable {
    /** The Lease's name; it lives in the pod's namespace. */
    public static final String LEASE = "trustplane-drift";

    /**
     * Lists what runs, starts watching pods and returns the loop, ready to be ticked.
     *
     * @param env the process environment: POD_NAME / HOSTNAME name the replica, POD_NAMESPACE (or
     *            the service account's namespace) holds the Lease
     */
    public static ClusterDrift start(AdmissionController controller, KubernetesInventory cluster, Duration interval,
            Map<String, String> env, EventListener listener) {
        FleetWatch watch = new FleetWatch(cluster, listener);
        String me = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "trustplane")) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        LeaderLease lease = new LeaderLease(cluster, leaseNamespace(env), LEASE, me, Duration.ofSeconds(15),
                Clock.systemUTC(), listener);
        DriftLoop loop = new DriftLoop(cluster::read, controller::policies, controller.verifier(),
                controller.revocations()::current, controller.config().store(), interval, Clock.systemUTC(), listener)
                .publishingTo(new ReportPublisher(cluster)).watching(watch).onlyWhen(lease)
                .withContext(controller::contextSource);
        watch.start(loop::onPodEvent);
        return new ClusterDrift(loop, lease, watch);
    }

    /** The pod's namespace (POD_NAMESPACE, or the service account's), else "trustplane". */
    static String leaseNamespace(Map<String, String> env) {
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

    /** Stops watching pods. */
    @Override
    public void close() {
        watch.close();
    }
}
