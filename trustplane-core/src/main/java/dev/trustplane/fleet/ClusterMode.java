package dev.trustplane.fleet;

import dev.trustplane.admission.AdmissionController;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.registry.RegistryClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The use case {@code serve} runs, as much of it as depends on the cluster: the admission
 * controller over policy files or the Kubernetes API ({@link KubernetesPolicies}), the
 * installation's Lease when loops need one replica to run them, and the drift loop. Its front end
 * adds the catalog and feedback loops (gated by {@link #leader()}) and the server.
 *
 * @param lease    null when there is no API or nothing for a leader to do (one process leads alone)
 * @param drift    null without a drift interval
 * @param policies null when the policies are files
 */
public record ClusterMode(AdmissionController controller, LeaderLease lease, ClusterDrift drift,
        KubernetesPolicies policies) {

    /**
     * What {@code serve} asks for.
     *
     * @param cluster         the Kubernetes API, when one is known
     * @param policiesFromApi {@code --policies k8s}
     * @param policyStatus    whether the leader writes policies' status (false beside Kyverno)
     * @param driftInterval   null: no drift loop
     * @param otherLoops      whether the front end runs catalog or feedback loops (they need a leader)
     */
    public record Config(AdmissionController.Config admission, Optional<KubernetesInventory> cluster,
            boolean policiesFromApi, boolean policyStatus, Duration driftInterval, boolean otherLoops,
            Duration leaseDuration, Map<String, String> env) {
    }

    /** Opens the controller, elects through the Lease when there is anything to lead, starts drift. */
    public static ClusterMode start(Config c, RegistryClient registry, EventListener listener) {
        KubernetesPolicies fromApi = !c.policiesFromApi() ? null : new KubernetesPolicies(c.cluster().orElseThrow(() ->
                new TrustplaneException(ErrorKind.INVALID_INPUT, "--policies k8s reads the policies from the Kubernetes"
                        + " API: pass --kube-api URL (with --kube-token-file), or run in the cluster")),
                LeaderLease.namespace(c.env()), Clock.systemUTC(), listener);
        AdmissionController controller = fromApi == null ? AdmissionController.open(c.admission(), registry, listener)
                : AdmissionController.open(c.admission(), fromApi.watch(), registry, listener);
        boolean anythingToLead = c.driftInterval() != null || c.otherLoops() || fromApi != null;
        LeaderLease lease = !anythingToLead || c.cluster().isEmpty() ? null
                : LeaderLease.forReplica(c.cluster().get(), c.env(), c.leaseDuration(), listener);
        if (fromApi != null && (lease != null || !c.policyStatus())) {
            fromApi.writeStatusWhen(!c.policyStatus() ? () -> false : lease);
        }
        ClusterDrift drift = c.driftInterval() == null ? null : ClusterDrift.start(controller, c.cluster().orElseThrow(
                () -> new TrustplaneException(ErrorKind.INVALID_INPUT, "--drift-interval needs the Kubernetes API:"
                        + " pass --kube-api URL (with --kube-token-file), or run in the cluster")),
                c.driftInterval(), lease, listener);
        return new ClusterMode(controller, lease, drift, fromApi);
    }

    /** Whether this replica runs the loops now: it holds the Lease, or there is none. */
    public BooleanSupplier leader() {
        return lease == null ? () -> true : lease;
    }

    /** For the start-up message: " from THE API" when the policies come from it, else empty. */
    public String describePolicies() {
        return policies != null ? " from " + policies.describe() : "";
    }

    /** For the start-up message: who runs the loops, when a Lease decides it, else empty. */
    public String describeLeader() {
        return lease != null ? "; loops run while " + lease.identity() + " holds Lease " + LeaderLease.NAME : "";
    }
}
