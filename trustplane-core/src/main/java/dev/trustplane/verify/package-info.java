/**
 * Verification (ADR 006). Facade: {@link Verifier} finds every signature and
 * attestation of an image ({@code Discovery}) and checks each in ordered stages
 * ({@link EvidenceChecks}: payload, signature, tlog, timestamp, certificate,
 * sct, identity, statement, subject, type) into a {@link VerificationReport};
 * {@link TrustSpec} and {@link Trust} say what is trusted.
 */
package dev.trustplane.verify;
