package dev.trustplane.fleet;

import dev.trustplane.policy.BreakGlass;
import java.time.Duration;
import java.util.List;

/**
 * BREAK_GLASS: a workload that runs under a break-glass exception in force. It is a finding until
 * the exception expires; after that, what the exception covered shows as POLICY_REGRESSION.
 */
final class BreakGlassInForce implements Detector {

    @Override
    public List<FindingKind> kinds() {
        return List.of(FindingKind.BREAK_GLASS);
    }

    @Override
    public void inspect(RunningWorkload w, Pass pass, List<Finding> out) {
        BreakGlass.Request request = BreakGlass.of(w.owner(), w.pods().get(0));
        if (request == null || request.problem(pass.now()) != null) {
            return;
        }
        Duration left = Duration.between(pass.now(), request.expiresAt());
        String images = String.join(", ", w.images().stream().map(RunningImage::image).distinct().toList());
        out.add(Finding.of(FindingKind.BREAK_GLASS, w, "*", images, null, null, null, List.of(), w.label()
                + " runs under break-glass " + request.ticket() + " until " + request.expiresAt() + " ("
                + (left.toHours() >= 1 ? left.toHours() + " h" : left.toMinutes() + " min") + " left): its policy"
                + " failures are warnings until then. Fix the workload and remove the " + BreakGlass.ANNOTATION
                + " annotations before it expires, or it is denied and reported as a policy failure"));
    }
}
