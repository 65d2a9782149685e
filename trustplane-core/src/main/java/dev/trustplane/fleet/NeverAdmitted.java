package dev.trustplane.fleet;

import java.util.List;

/** NOT_ADMITTED: a workload that runs with no admission recorded for it or any of its objects. */
final class NeverAdmitted implements Detector {

    @Override
    public List<FindingKind> kinds() {
        return List.of(FindingKind.NOT_ADMITTED);
    }

    @Override
    public void inspect(RunningWorkload w, Pass pass, List<Finding> out) {
        if (pass.history().admitted(w)) {
            return;
        }
        String why = w.staticPod()
                ? "a static pod (the kubelet runs it from a manifest file on its node) never passes admission;"
                + " review the file on the node, or run it as a Deployment or DaemonSet"
                : "no admission is recorded for it or its pods: it was created while the webhook was down, under"
                + " failurePolicy: Ignore, in a namespace the webhook excludes, or before Trustplane ran. Re-create it"
                + " through admission (e.g. `kubectl rollout restart`), and check the webhook configuration";
        String images = String.join(", ", w.images().stream().map(RunningImage::image).distinct().toList());
        out.add(Finding.of(FindingKind.NOT_ADMITTED, w, "*", images, null, null, null, List.of(),
                w.label() + " runs " + images + " but was never admitted: " + why));
    }
}
