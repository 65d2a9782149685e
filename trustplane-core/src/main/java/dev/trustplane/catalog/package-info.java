/**
 * The image catalog (docs/ARCHITECTURE.md, ADR 012): the image specs a team maintains, the
 * archive watcher that records when each package version appeared, rebuild planning against the
 * vulnerability database, publishing with full evidence, the patch timeline and advisories.
 */
package dev.trustplane.catalog;
