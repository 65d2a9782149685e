/**
 * Vulnerabilities. Facade: {@link dev.trustplane.vuln.Scanner} → {@link dev.trustplane.vuln.ScanReport}
 * (with its formats), {@link dev.trustplane.vuln.VulnDb} and {@link dev.trustplane.vuln.OsvDb} (imported
 * feeds), {@link dev.trustplane.vuln.Vex}, {@link dev.trustplane.vuln.VexWriter},
 * {@link dev.trustplane.vuln.AttestedVex} and {@link dev.trustplane.vuln.ImageSbom}.
 */
package dev.trustplane.vuln;
