/**
 * Where images are and moving them. Facade: {@link Location},
 * {@link ImageSource} and {@link ImageCopier}.
 */
package dev.trustplane.oci.transfer;
