package dev.trustplane.admission;

import java.util.List;

/**
 * One admission decision as the ledger keeps it: what was admitted (or not), by which policy
 * version, with which evidence, in which webhook phase. The drift detector reads these.
 */
public record LedgerEntry(long decidedAtMillis, String requestUid, String phase, String operation, boolean dryRun,
        String namespace, String kind, String name, String container, String image, String digest,
        List<String> signers, String policy, String rule, String policyHash, String verdict, String mode,
        boolean allowed, String message) {

    public LedgerEntry {
        signers = signers == null ? List.of() : List.copyOf(signers);
    }
}
