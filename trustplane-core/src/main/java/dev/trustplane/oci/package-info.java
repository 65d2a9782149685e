/**
 * The OCI model. Facade: {@link dev.trustplane.oci.ImageReference}, {@link dev.trustplane.oci.Digest},
 * {@link dev.trustplane.oci.Descriptor}, {@link dev.trustplane.oci.RawManifest} (exact bytes, parsed on
 * demand into {@link dev.trustplane.oci.ImageManifest} or {@link dev.trustplane.oci.ImageIndex}) and
 * {@link dev.trustplane.oci.VerifyingInputStream}; the JSON mapping stays in package-private
 * {@code OciJson}.
 */
package dev.trustplane.oci;
