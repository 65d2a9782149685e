/**
 * Vulnerabilities. Facade: {@link Scanner} → {@link ScanReport}
 * (with its formats), {@link VulnDb} and {@link OsvDb} (imported
 * feeds), {@link Vex}, {@link VexWriter},
 * {@link AttestedVex} and {@link ImageSbom}.
 */
package dev.trustplane.vuln;
