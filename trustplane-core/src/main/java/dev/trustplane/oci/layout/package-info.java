/**
 * The OCI image-layout directory, the embedded default store. Facade:
 * {@link dev.trustplane.oci.layout.OciLayout}.
 */
package dev.trustplane.oci.layout;
