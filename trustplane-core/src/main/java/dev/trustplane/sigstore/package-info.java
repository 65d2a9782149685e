/**
 * The formats signing and verification share: keys ({@link Keys}, cosign's
 * encrypted format), {@link Dsse}, {@link Bundle},
 * {@link Statement}, {@link TlogEntry},
 * {@link TrustedRoot}, {@link FulcioCertificate}, the
 * cosign tag scheme ({@link CosignTags}) and where evidence is stored
 * ({@link EvidenceStore}). No decisions are made here.
 */
package dev.trustplane.sigstore;
