package dev.trustplane.policy;

/**
 * Which webhook asks. MUTATE verifies and pins digests; VALIDATE verifies, checks that images
 * are pinned (verifyDigest) and applies validate patterns; OFFLINE ({@code policy test}) does all
 * of it, counting a pin it would make as made.
 */
public enum Phase {
    MUTATE, VALIDATE, OFFLINE
}
