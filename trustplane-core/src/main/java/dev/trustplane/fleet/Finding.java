package dev.trustplane.fleet;

import java.time.Instant;
import java.util.List;

/**
 * One finding, identified by (kind, workload, container, running digest) — {@link #id()} — so a
 * repeated pass updates it instead of adding another. Open while its condition holds, resolved
 * (never deleted) when a complete pass no longer sees it, suppressed with a reason until an
 * expiry.
 *
 * @param workloadKind   the workload's top owner kind
 * @param container      the container as the ledger names it ({@code containers[0] (app)}), or
 *                       {@code *} for a finding about the whole workload
 * @param runningDigest  the digest it runs, or null when the runtime reports none
 * @param admittedDigest the digest admission verified last for it, or null
 * @param tagDigest      where the tag points now (TAG_MOVED), else null
 * @param signers        who vouches for the running digest (REVOKED_SIGNER: the revoked signers
 *                       and their revocations)
 * @param message        what happened and what to do
 */
public record Finding(FindingKind kind, String namespace, String workloadKind, String workload, String container,
        String image, String runningDigest, String admittedDigest, String tagDigest, List<String> signers,
        String message, Status status, Instant firstSeen, Instant lastSeen, Instant resolvedAt,
        String suppressedReason, Instant suppressedUntil) {

    /** Where a finding is in its lifecycle; the JSON spelling is lower case. */
    public enum Status { OPEN, RESOLVED, SUPPRESSED }

    public Finding {
        signers = signers == null ? List.of() : List.copyOf(signers);
    }

    /** A finding as a detector reports it, before the store gives it a history. */
    public static Finding of(FindingKind kind, RunningWorkload w, String container, String image, String runningDigest,
            String admittedDigest, String tagDigest, List<String> signers, String message) {
        return new Finding(kind, w.namespace(), w.kind(), w.name(), container, image, runningDigest, admittedDigest,
                tagDigest, signers, message, Status.OPEN, null, null, null, null, null);
    }

    /** The identity: SHA-256 over kind, workload, container and running digest. */
    public String id() {
        return FindingStore.key(kind, namespace, workloadKind, workload, container, runningDigest);
    }

    /** {@code Kind namespace/name}. */
    public String workloadLabel() {
        return workloadKind + " " + namespace + "/" + workload;
    }
}
