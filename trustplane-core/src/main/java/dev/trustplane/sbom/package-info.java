/**
 * SBOMs in and out. Facade: {@link SbomGenerator} (CycloneDX, SPDX),
 * {@link SbomReader} (CycloneDX and SPDX from Trustplane, trivy, syft → packages)
 * and {@link PackageDetector} (the packages of an image from its layers).
 */
package dev.trustplane.sbom;
