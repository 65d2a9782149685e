package dev.trustplane.fleet;

import dev.trustplane.error.Outcome;
import dev.trustplane.policy.BreakGlass;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import java.util.List;

/**
 * REVOKED_SIGNER and POLICY_REGRESSION: what runs, re-judged against the policies and trust in
 * force now (the admission engine, phase BACKGROUND), each image at the digest it runs. A rule
 * that fails because only revoked signers vouch for the digest is REVOKED_SIGNER (the blast
 * radius of a revocation, per workload); any other failure is POLICY_REGRESSION, its message
 * saying whether it passed at admission or was admitted only because the rule was in Audit. A
 * rule that could not decide (registry unreachable) makes the pass incomplete for the workload.
 * A break-glass exception in force covers the policy failures until it expires (BREAK_GLASS
 * reports it); revoked signers are reported all the same.
 */
final class PolicyRecheck implements Detector {
    private static final List<FindingKind> KINDS = List.of(FindingKind.REVOKED_SIGNER, FindingKind.POLICY_REGRESSION);

    @Override
    public List<FindingKind> kinds() {
        return KINDS;
    }

    @Override
    public void inspect(RunningWorkload w, Pass pass, List<Finding> out) {
        // A break-glass exception in force covers the workload's policy failures (BREAK_GLASS says so) until it expires.
        BreakGlass.Request exception = BreakGlass.of(w.owner(), w.pods().get(0));
        boolean excepted = exception != null && exception.problem(pass.now()) == null;
        for (Samples.Sample sample : Samples.of(w).samples()) {
            Evaluation evaluation;
            try {
                evaluation = pass.judge(w, sample.pod(), sample.digests());
            } catch (RuntimeException e) {
                pass.incomplete(KINDS, w, "could not re-judge against the policies: " + e.getMessage());
                return;
            }
            for (Decision d : evaluation.decisions()) {
                if (d.policy().equals("trustplane") || d.message().startsWith("[break-glass ")) {
                    continue; // the exception itself is BREAK_GLASS; what it covers waits for its expiry
                }
                if (d.verdict() == Outcome.ERROR) {
                    pass.incomplete(KINDS, w, d.message());
                    continue;
                }
                if (d.verdict() != Outcome.FAIL) {
                    continue;
                }
                String container = d.container() == null ? "*" : d.container();
                RunningImage image = d.container() == null ? null : sample.images().get(d.container());
                String running = image == null ? null : image.digest();
                String imageText = image != null ? image.image() : d.image();
                if (!d.revoked().isEmpty()) {
                    out.add(Finding.of(FindingKind.REVOKED_SIGNER, w, container, imageText, running, null, null,
                            d.revoked(), w.label() + " " + container + " runs " + imageText + (running == null ? ""
                                    : " at " + running) + ", which only revoked signers vouch for ("
                                    + String.join("; ", d.revoked()) + "). Roll out a build signed by a trusted signer,"
                                    + " or re-sign this digest — policy " + d.policy() + " rule " + d.rule()
                                    + " denies it at its next admission"));
                    continue;
                }
                if (excepted) {
                    continue;
                }
                out.add(Finding.of(FindingKind.POLICY_REGRESSION, w, container, imageText, running, null, null,
                        d.signers(), regression(w, pass, d)));
            }
        }
    }

    private static String regression(RunningWorkload w, Pass pass, Decision d) {
        List<AdmissionHistory.Verdict> then = pass.history().verdicts(w, d.policy(), d.rule());
        AdmissionHistory.Verdict passed = then.stream().filter(v -> v.verdict().equals("PASS")).findFirst().orElse(null);
        AdmissionHistory.Verdict audited = then.stream().filter(v -> !v.verdict().equals("PASS")
                && "Audit".equals(v.mode())).findFirst().orElse(null);
        String now = d.action().label() + " rule fails now: " + d.message();
        if (passed != null) {
            return w.label() + " passed at admission (" + passed.at() + ") and fails today's policy — " + now;
        }
        if (audited != null) {
            return w.label() + " was admitted at " + audited.at() + " only because the rule was in Audit; Enforce"
                    + " would deny it — " + now;
        }
        return w.label() + " fails today's policy — " + now;
    }
}
