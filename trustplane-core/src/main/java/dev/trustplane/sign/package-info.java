/**
 * Signing (ADR 006). Facade: {@link dev.trustplane.sign.Signer} — cosign tags and Sigstore bundle
 * referrers, with a key or keylessly ({@link dev.trustplane.sign.KeylessSigning}: Fulcio, Rekor) and
 * optional RFC 3161 timestamps ({@link dev.trustplane.sign.TimestampAuthority}); what it writes is
 * checked with {@code verify} before it is stored.
 */
package dev.trustplane.sign;
