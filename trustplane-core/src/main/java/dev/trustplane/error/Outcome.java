package dev.trustplane.error;

/**
 * The one vocabulary of decisions: what a verification stage, a policy rule or a pattern decided.
 * {@link #ERROR} is "could not decide" — never "passed": front ends treat it as a failure wherever
 * a security decision hangs on it (Enforce denies, verify exits 12).
 */
public enum Outcome {
    /** It holds: the stage passed, the rule is met. */
    PASS,
    /** It does not hold: the evidence is wrong, the rule is broken. */
    FAIL,
    /** Could not decide (a registry unreachable, a timeout, unknown namespace labels, a check unavailable). */
    ERROR,
    /** Not run or not applicable, on purpose (--insecure-ignore-tlog, a conditional anchor, an image not covered). */
    SKIP
}
