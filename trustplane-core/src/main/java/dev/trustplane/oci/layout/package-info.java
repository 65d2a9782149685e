/**
 * The OCI image-layout directory, the embedded default store. Facade:
 * {@link OciLayout}.
 */
package dev.trustplane.oci.layout;
