package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.fleet.KubernetesInventory;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where what runs is read from: `kubectl get -o json` files, or the Kubernetes API. */
final class InventoryOptions {
    @Option(names = "--inventory", paramLabel = "FILE", description = "output of `kubectl get pods,replicasets,"
            + "deployments,statefulsets,daemonsets,jobs,cronjobs,namespaces -A -o json` (repeatable)")
    List<Path> files = new ArrayList<>();

    @Option(names = "--kube-api", paramLabel = "URL", description = "read what runs from this API server (default:"
            + " the cluster Trustplane runs in, else the kubeconfig's current context)")
    URI kubeApi;

    @Option(names = "--kube-token-file", paramLabel = "FILE", description = "bearer token for --kube-api")
    Path kubeToken;

    @Option(names = "--kube-ca-file", paramLabel = "FILE", description = "CA bundle (PEM) of --kube-api")
    Path kubeCa;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig (default: $KUBECONFIG, ~/.kube/config)")
    Path kubeconfig;

    /** Whether the user named a source (files or an API server). */
    boolean given() {
        return !files.isEmpty() || kubeApi != null || kubeconfig != null;
    }

    Inventory read(CliContext ctx) {
        if (!files.isEmpty()) {
            if (kubeApi != null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Give either --inventory files or --kube-api,"
                        + " not both");
            }
            return Inventory.fromFiles(files);
        }
        return KubernetesInventory.locate(kubeApi, kubeToken, kubeCa, kubeconfig, ctx.env())
                .orElseThrow(() -> new TrustplaneException(ErrorKind.INVALID_INPUT, "No inventory: pass --inventory"
                        + " FILE (from `kubectl get pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs,"
                        + "namespaces -A -o json`) or --kube-api URL, or run where a kubeconfig is"))
                .read();
    }
}
