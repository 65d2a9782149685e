package dev.trustplane.fleet;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * DIGEST_DRIFT: a container runs a digest other than the one admission verified last for it —
 * an older one (pods from before an update still run) or one admission never saw (the tag moved
 * and a pod pulled it later). Containers admitted without a verified digest, and containers
 * whose digest the runtime does not report, are not judged here.
 */
final class DigestDrift implements Detector {

    @Override
    public List<FindingKind> kinds() {
        return List.of(FindingKind.DIGEST_DRIFT);
    }

    @Override
    public void inspect(RunningWorkload w, Pass pass, List<Finding> out) {
        for (RunningImage image : w.images()) {
            if (image.digest() == null) {
                continue;
            }
            List<AdmissionHistory.Admitted> admitted = pass.history().admitted(w, image.container()).stream()
                    .filter(a -> a.digest() != null).toList();
            Optional<AdmissionHistory.Admitted> latest = admitted.stream()
                    .max(Comparator.comparing(AdmissionHistory.Admitted::at));
            if (latest.isEmpty() || latest.get().digest().equals(image.digest())) {
                continue;
            }
            AdmissionHistory.Admitted last = latest.get();
            Optional<AdmissionHistory.Admitted> earlier = admitted.stream()
                    .filter(a -> a.digest().equals(image.digest())).findFirst();
            String where = w.label() + " " + image.container() + " runs " + image.image() + " at " + image.digest()
                    + " (" + image.pods().size() + " pod" + (image.pods().size() == 1 ? "" : "s") + ")";
            String message = earlier.isPresent()
                    ? where + ", admitted at " + earlier.get().at() + ", but the latest admission (" + last.at()
                    + ") verified " + last.digest() + ": pods from before the update still run or the rollout is"
                    + " stuck. Finish the rollout (`kubectl rollout status`) so it runs " + last.digest()
                    : where + ", a digest admission never verified (it verified " + last.digest() + " at " + last.at()
                    + "): the tag moved and a pod pulled the new digest after admission. Pin the image to a verified"
                    + " digest (" + nameOf(image.image()) + "@" + last.digest() + ") and re-deploy, or verify and admit "
                    + image.digest();
            out.add(Finding.of(FindingKind.DIGEST_DRIFT, w, image.container(), image.image(), image.digest(),
                    last.digest(), null, List.of(), message));
        }
    }

    private static String nameOf(String image) {
        int at = image.indexOf('@');
        String name = at >= 0 ? image.substring(0, at) : image;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        return colon > slash ? name.substring(0, colon) : name;
    }
}
