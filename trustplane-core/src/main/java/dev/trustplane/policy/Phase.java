package dev.trustplane.policy;

/**
 * Which webhook asks. MUTATE verifies and pins digests; VALIDATE verifies, checks that images
 * are pinned (verifyDigest) and applies validate patterns; OFFLINE ({@code policy test}) does all
 * of it, counting a pin it would make as made. BACKGROUND (a drift pass re-judging what runs) is
 * OFFLINE for the policies whose {@code background} is not false.
 */
public enum Phase {
    MUTATE, VALIDATE, OFFLINE, BACKGROUND
}
