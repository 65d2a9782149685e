/**
 * The formats signing and verification share: keys ({@link dev.trustplane.sigstore.Keys}, cosign's
 * encrypted format), {@link dev.trustplane.sigstore.Dsse}, {@link dev.trustplane.sigstore.Bundle},
 * {@link dev.trustplane.sigstore.Statement}, {@link dev.trustplane.sigstore.TlogEntry},
 * {@link dev.trustplane.sigstore.TrustedRoot}, {@link dev.trustplane.sigstore.FulcioCertificate}, the
 * cosign tag scheme ({@link dev.trustplane.sigstore.CosignTags}) and where evidence is stored
 * ({@link dev.trustplane.sigstore.EvidenceStore}). No decisions are made here.
 */
package dev.trustplane.sigstore;
