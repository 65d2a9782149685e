package dev.trustplane.fleet;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes each pass's findings as PolicyReports through the Kubernetes API: one per namespace with
 * findings, and an empty one for a namespace whose findings were all resolved since the last pass.
 */
public final class ReportPublisher implements Consumer<DriftPass.Result> {
    /** Where PolicyReports live; {@code {namespace}} is replaced. */
    public static final String COLLECTION = "/apis/wgpolicyk8s.io/v1alpha2/namespaces/{namespace}/policyreports";
    private final KubernetesInventory api;
    private final Set<String> reported = new HashSet<>();

    public ReportPublisher(KubernetesInventory api) {
        this.api = api;
    }

    @Override
    public synchronized void accept(DriftPass.Result result) {
        Instant at = result.finished();
        Set<String> now = new HashSet<>();
        for (var report : PolicyReports.of(result.open(), at)) {
            api.apply(COLLECTION, report);
            now.add(report.path("metadata").path("namespace").asText());
        }
        for (String gone : List.copyOf(reported)) {
            if (!now.contains(gone)) {
                api.apply(COLLECTION, PolicyReports.empty(gone, at));
            }
        }
        reported.clear();
        reported.addAll(now);
    }
}
