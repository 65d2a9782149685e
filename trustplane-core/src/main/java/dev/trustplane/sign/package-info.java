/**
 * Signatures and their verification (ADR 006). Facade: {@link dev.trustplane.sign.Signer} (writes),
 * {@link dev.trustplane.sign.Verifier} (reads and checks, stage by stage, into a
 * {@link dev.trustplane.sign.VerificationReport}), {@link dev.trustplane.sign.TrustSpec} and
 * {@link dev.trustplane.sign.Trust} (what is trusted), {@link dev.trustplane.sign.Keys} and
 * {@link dev.trustplane.sign.EvidenceStore}.
 */
package dev.trustplane.sign;
