package dev.trustplane.cli;

import dev.trustplane.admission.AdmissionController;
import dev.trustplane.admission.KubernetesNamespaces;
import dev.trustplane.config.Durations;
import dev.trustplane.fleet.ClusterMode;
import dev.trustplane.fleet.KubernetesInventory;
import dev.trustplane.fleet.LeaderLease;
import dev.trustplane.policy.ContextSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code serve}'s cluster options: the Kubernetes API, namespace labels, drift, the Lease, policy status. */
final class ServeClusterOptions {
    @Option(names = "--no-policy-status", description = "with --policies k8s, do not write the policies' status"
            + " (when Kyverno runs in the same cluster and writes it)")
    boolean noPolicyStatus;

    @Option(names = "--namespace-labels", paramLabel = "FILE",
            description = "YAML map of namespace → labels, for rules with namespaceSelector, instead of asking the"
                    + " Kubernetes API")
    Path namespaceLabels;

    @Option(names = "--kube-api", paramLabel = "URL",
            description = "Kubernetes API server for namespace labels (namespaceSelector rules); default in a pod:"
                    + " KUBERNETES_SERVICE_HOST with the service account. Without labels such rules answer"
                    + " 'error: labels unknown', which Enforce denies")
    URI kubeApi;

    @Option(names = "--drift-interval", paramLabel = "DURATION",
            description = "run drift passes over what runs in the cluster (--kube-api, or the cluster it runs in):"
                    + " at once when a revocation or a policy reload changes trust, else every DURATION (e.g. 10m);"
                    + " findings in the store, /metrics and wgpolicyk8s.io PolicyReports (one per namespace)")
    String driftInterval;

    @Option(names = "--lease-duration", defaultValue = "10s", paramLabel = "DURATION",
            description = "replicas elect the one that runs the loops through the coordination.k8s.io Lease "
                    + LeaderLease.NAME + " (when the Kubernetes API is known): a dead leader's loops move within this"
                    + " duration and a fifth of it (default: ${DEFAULT-VALUE})")
    String leaseDuration;

    @Option(names = "--kube-token-file", paramLabel = "FILE", description = "bearer token for --kube-api")
    Path kubeToken;

    @Option(names = "--kube-ca-file", paramLabel = "FILE", description = "CA bundle (PEM) of --kube-api")
    Path kubeCa;

    /** Where namespaceSelector rules read labels: the file given, else the API (in a pod: its own). */
    Function<String, Map<String, String>> labels(CliContext ctx, ProgressRenderer renderer) {
        return KubernetesNamespaces.source(namespaceLabels, kubeApi, kubeToken, kubeCa, ctx.env(), renderer);
    }

    /** Rules' context entries read the API the labels come from (ConfigMaps, read-only GETs), answers kept 10 s. */
    static ContextSource context(Function<String, Map<String, String>> labels) {
        return labels instanceof KubernetesNamespaces api ? api.contextSource(Duration.ofSeconds(10))
                : ContextSource.NONE;
    }

    /** The Kubernetes API: --kube-api, else the cluster this runs in, else none. */
    Optional<KubernetesInventory> api(CliContext ctx) {
        return KubernetesInventory.locate(kubeApi, kubeToken, kubeCa, null, ctx.env());
    }

    ClusterMode.Config config(AdmissionController.Config admission, Optional<KubernetesInventory> api,
            boolean policiesFromApi, boolean otherLoops, Map<String, String> env) {
        return new ClusterMode.Config(admission, api, policiesFromApi, !noPolicyStatus, driftInterval == null ? null
                : Durations.parse(driftInterval), otherLoops, LeaderLease.checkDuration(Durations.parse(leaseDuration),
                leaseDuration), env);
    }
}
