package dev.trustplane.fleet;

import dev.trustplane.admission.AdmissionController;
import dev.trustplane.event.EventListener;
import java.time.Clock;
import java.time.Duration;

/**
 * The drift loop of one webhook replica in a cluster, the use case {@code serve --drift-interval}
 * runs: the pod informer, the loop sharing the admission controller's policies, verifier and
 * store, PolicyReports written after each pass, and the Lease that lets one replica of several
 * run it. Its front end schedules {@link DriftLoop#tick} and {@link LeaderLease#tryAcquireOrRenew}
 * and closes it on shutdown.
 */
public record ClusterDrift(DriftLoop loop, LeaderLease lease, FleetWatch watch) implements AutoCloseable {
    /**
     * Lists what runs, starts watching pods and returns the loop, ready to be ticked; it runs passes
     * only while {@code lease} says this replica leads.
     */
    public static ClusterDrift start(AdmissionController controller, KubernetesInventory cluster, Duration interval,
            LeaderLease lease, EventListener listener) {
        FleetWatch watch = new FleetWatch(cluster, listener);
        DriftLoop loop = new DriftLoop(cluster::read, controller::policies, controller.verifier(),
                controller.revocations()::current, controller.config().store(), interval, Clock.systemUTC(), listener)
                .publishingTo(new ReportPublisher(cluster)).watching(watch).onlyWhen(lease)
                .withContext(controller::contextSource);
        watch.start(loop::onPodEvent);
        return new ClusterDrift(loop, lease, watch);
    }

    /** Stops watching pods. */
    @Override
    public void close() {
        watch.close();
    }
}
