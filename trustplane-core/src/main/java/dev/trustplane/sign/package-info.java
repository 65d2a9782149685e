/**
 * Signing (ADR 006). Facade: {@link Signer} — cosign tags and Sigstore bundle
 * referrers, with a key or keylessly ({@link KeylessSigning}: Fulcio, Rekor) and
 * optional RFC 3161 timestamps ({@link TimestampAuthority}); what it writes is
 * checked with {@code verify} before it is stored.
 */
package dev.trustplane.sign;
