package dev.trustplane.fleet;

import dev.trustplane.error.Outcome;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TAG_MOVED: a container runs an image by tag, the registry says the tag points elsewhere now, and
 * the new digest does not verify under the policies that cover the image — the next pod that
 * pulls it (a restart, a new node) would run unverified content. Each tag is asked once per pass,
 * never from a cache. A tag that moved to a digest that verifies is not a finding; a tag whose
 * image no verifyImages rule covers cannot be judged: its registry is not asked.
 */
final class TagMoved implements Detector {
    private static final List<FindingKind> KINDS = List.of(FindingKind.TAG_MOVED);

    @Override
    public List<FindingKind> kinds() {
        return KINDS;
    }

    @Override
    public void inspect(RunningWorkload w, Pass pass, List<Finding> out) {
        for (Samples.Sample sample : Samples.of(w).samples()) {
            Evaluation running;
            try {
                running = pass.judge(w, sample.pod(), sample.digests());
            } catch (RuntimeException e) {
                pass.incomplete(KINDS, w, "could not re-judge against the policies: " + e.getMessage());
                continue;
            }
            for (RunningImage image : sample.images().values()) {
                // Only images a verifyImages rule covers can be judged after a move: no registry is asked for others.
                boolean covered = running.decisions().stream().anyMatch(d -> image.container().equals(d.container())
                        && d.digest() != null && !d.policy().equals("trustplane"));
                if (image.digest() == null || !covered) {
                    continue;
                }
                ImageReference ref;
                try {
                    ref = ImageReference.parse(image.image());
                } catch (TrustplaneException e) {
                    continue;
                }
                if (ref.digest() != null) {
                    continue;
                }
                Digest now;
                try {
                    now = pass.currentDigest(ref);
                } catch (TrustplaneException e) {
                    pass.incomplete(KINDS, w, "could not ask where " + ref + " points now: " + e.getMessage());
                    continue;
                }
                if (now.toString().equals(image.digest())) {
                    continue;
                }
                Map<String, String> digests = new HashMap<>(sample.digests());
                digests.put(ref.toString(), now.toString());
                Evaluation evaluation;
                try {
                    evaluation = pass.judge(w, sample.pod(), digests);
                } catch (RuntimeException e) {
                    pass.incomplete(KINDS, w, "could not verify " + ref + "@" + now + ": " + e.getMessage());
                    continue;
                }
                for (Decision d : evaluation.decisions()) {
                    if (!image.container().equals(d.container()) || d.digest() == null
                            || d.policy().equals("trustplane")) {
                        continue;
                    }
                    if (d.verdict() == Outcome.ERROR) {
                        pass.incomplete(KINDS, w, d.message());
                    } else if (d.verdict() == Outcome.FAIL) {
                        out.add(Finding.of(FindingKind.TAG_MOVED, w, image.container(), image.image(), image.digest(),
                                null, now.toString(), d.signers(), w.label() + " " + image.container() + " runs "
                                + image.image() + " at " + image.digest() + "; the tag now points to " + now + ", which"
                                + " does not verify (" + d.message() + "). The next pod to pull the tag (a restart, a new"
                                + " node) runs it: pin the image to " + image.digest() + " and find out who pushed "
                                + now));
                        break;
                    }
                }
            }
        }
    }
}
