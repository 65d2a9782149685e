package dev.trustplane.policy;

import dev.trustplane.verify.Trust;

/**
 * One attestor entry, turned into the {@link Trust} the verifier checks against.
 *
 * @param description what a message shows: the key hint, or the keyless subject and issuer
 * @param trustHash   SHA-256 over the entry's canonical JSON and the trusted root it uses: the cache key part
 */
record Attestor(Trust trust, String description, String trustHash) {
}
