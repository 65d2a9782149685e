/**
 * Failures and outcomes as data. Facade: {@link TrustplaneException} with its
 * {@link ErrorKind} (each front end maps kinds to its exit codes or statuses),
 * {@link LimitExceededException}, and {@link Outcome}, the
 * one PASS/FAIL/ERROR/SKIP vocabulary of verification stages, rules and patterns.
 */
package dev.trustplane.error;
