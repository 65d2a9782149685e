package dev.trustplane.fleet;

/** What a drift pass found; the names are the JSON spelling. */
public enum FindingKind {
    /** The running digest is not the one admission verified last for the workload and container. */
    DIGEST_DRIFT,
    /** A workload runs without any admission recorded for it. */
    NOT_ADMITTED,
    /** Every signer that vouches for the running digest is revoked. */
    REVOKED_SIGNER,
    /** A tag the workload runs now points to a digest that does not verify under the policy. */
    TAG_MOVED,
    /** What runs fails today's policies (having passed at admission, or admitted only under Audit). */
    POLICY_REGRESSION,
    /** A break-glass exception in force. */
    BREAK_GLASS
}
