/**
 * Where images are and moving them. Facade: {@link dev.trustplane.oci.transfer.Location},
 * {@link dev.trustplane.oci.transfer.ImageSource} and {@link dev.trustplane.oci.transfer.ImageCopier}.
 */
package dev.trustplane.oci.transfer;
