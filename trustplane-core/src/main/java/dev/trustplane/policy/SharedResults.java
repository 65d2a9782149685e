package dev.trustplane.policy;

import dev.trustplane.verify.VerificationReport;
import java.time.Duration;
import java.util.Optional;

/**
 * A second-level cache of verification results that replicas share (the store in cluster mode):
 * asked when a replica's own cache misses, told each positive result it computed. Keys carry
 * everything the result depends on — image digest, what was asked, the attestor's trust, the
 * credentials' fingerprint, the revocation list's version — so a result is reused only under the
 * same trust state.
 */
public interface SharedResults {
    /** The result stored for {@code key} and not expired, if any; empty on any failure (a miss, never an answer). */
    Optional<VerificationReport> get(String key);

    /** Stores {@code report} for {@code ttl} (may be asynchronous, may drop it). */
    void put(String key, VerificationReport report, Duration ttl);
}
