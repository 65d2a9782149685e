/**
 * The distribution API. Facade: {@link dev.trustplane.oci.registry.RegistryClient}; credentials through
 * {@link dev.trustplane.oci.registry.CredentialProvider}. One class per endpoint family and the HTTP
 * machinery stay behind it (front ends never use them; ArchitectureTest checks).
 */
package dev.trustplane.oci.registry;
