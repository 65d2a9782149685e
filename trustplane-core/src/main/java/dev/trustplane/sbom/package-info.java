/**
 * SBOMs in and out. Facade: {@link dev.trustplane.sbom.SbomGenerator} (CycloneDX, SPDX),
 * {@link dev.trustplane.sbom.SbomReader} (CycloneDX and SPDX from Trustplane, trivy, syft → packages)
 * and {@link dev.trustplane.sbom.PackageDetector} (the packages of an image from its layers).
 */
package dev.trustplane.sbom;
