/**
 * Kyverno-compatible policies (ADR 007). Facade: {@link PolicyLoader} (read and lint),
 * {@link PolicyEngine} (a {@link Resource} in, an
 * {@link Evaluation} of {@link Decision}s out),
 * {@link RegistryImageVerifier} and {@link PolicyWatcher}.
 * Rules, matches, patterns and conditions are package-private.
 */
package dev.trustplane.policy;
