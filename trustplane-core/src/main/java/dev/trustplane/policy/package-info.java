/**
 * Kyverno-compatible policies (ADR 007). Facade: {@link dev.trustplane.policy.PolicyLoader} (read and lint),
 * {@link dev.trustplane.policy.PolicyEngine} (a {@link dev.trustplane.policy.Resource} in, an
 * {@link dev.trustplane.policy.Evaluation} of {@link dev.trustplane.policy.Decision}s out),
 * {@link dev.trustplane.policy.RegistryImageVerifier} and {@link dev.trustplane.policy.PolicyWatcher}.
 * Rules, matches, patterns and conditions are package-private.
 */
package dev.trustplane.policy;
