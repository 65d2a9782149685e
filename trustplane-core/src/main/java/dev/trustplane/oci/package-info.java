/**
 * The OCI model. Facade: {@link ImageReference}, {@link Digest},
 * {@link Descriptor}, {@link RawManifest} (exact bytes, parsed on
 * demand into {@link ImageManifest} or {@link ImageIndex}) and
 * {@link VerifyingInputStream}; the JSON mapping stays in package-private
 * {@code OciJson}.
 */
package dev.trustplane.oci;
