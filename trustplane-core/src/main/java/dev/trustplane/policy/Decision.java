package dev.trustplane.policy;

import dev.trustplane.error.Outcome;
import java.util.List;

/**
 * What one rule decided for one resource or one of its containers.
 *
 * @param container the container label, or null for a rule about the whole resource
 * @param image     the image as written, or null
 * @param digest    the digest the image resolved to (what was verified), or null
 * @param signers   the attestors that verified (key hints, keyless identities)
 * @param revoked   the signers whose evidence verified but who are revoked (each with its
 *                  revocation), when a failure is down to them
 * @param message   why: for a failure which policy and rule, which image, what was expected,
 *                  what was found and how to fix it
 */
public record Decision(String policy, String policyHash, String rule, FailureAction action, String container,
        String image, String digest, Outcome verdict, String message, List<String> signers, List<String> revoked) {

    public Decision {
        signers = signers == null ? List.of() : List.copyOf(signers);
        revoked = revoked == null ? List.of() : List.copyOf(revoked);
    }

    /** A decision no revoked signer took part in. */
    public Decision(String policy, String policyHash, String rule, FailureAction action, String container,
            String image, String digest, Outcome verdict, String message, List<String> signers) {
        this(policy, policyHash, rule, action, container, image, digest, verdict, message, signers, List.of());
    }

    /** Whether this decision denies the resource: a failure or an error under Enforce. */
    public boolean denies() {
        return action == FailureAction.ENFORCE && (verdict == Outcome.FAIL || verdict == Outcome.ERROR);
    }

    /** Whether this decision is reported as a warning: a failure or an error under Audit. */
    public boolean warns() {
        return action == FailureAction.AUDIT && (verdict == Outcome.FAIL || verdict == Outcome.ERROR);
    }
}
