/**
 * Trust that changes while Trustplane runs: revoked signing keys and keyless identities, kept in
 * the store, read by admission, {@code policy test} and drift passes at every verification.
 */
package dev.trustplane.trust;
