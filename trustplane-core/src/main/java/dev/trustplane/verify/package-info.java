/**
 * Verification (ADR 006). Facade: {@link dev.trustplane.verify.Verifier} finds every signature and
 * attestation of an image ({@code Discovery}) and checks each in ordered stages
 * ({@link dev.trustplane.verify.EvidenceChecks}: payload, signature, tlog, timestamp, certificate,
 * sct, identity, statement, subject, type) into a {@link dev.trustplane.verify.VerificationReport};
 * {@link dev.trustplane.verify.TrustSpec} and {@link dev.trustplane.verify.Trust} say what is trusted.
 */
package dev.trustplane.verify;
