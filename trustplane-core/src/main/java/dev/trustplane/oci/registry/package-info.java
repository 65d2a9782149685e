/**
 * The distribution API. Facade: {@link RegistryClient}; credentials through
 * {@link CredentialProvider}. One class per endpoint family and the HTTP
 * machinery stay behind it (front ends never use them; ArchitectureTest checks).
 */
package dev.trustplane.oci.registry;
