/**
 * Failures and outcomes as data. Facade: {@link dev.trustplane.error.TrustplaneException} with its
 * {@link dev.trustplane.error.ErrorKind} (each front end maps kinds to its exit codes or statuses),
 * {@link dev.trustplane.error.LimitExceededException}, and {@link dev.trustplane.error.Outcome}, the
 * one PASS/FAIL/ERROR/SKIP vocabulary of verification stages, rules and patterns.
 */
package dev.trustplane.error;
