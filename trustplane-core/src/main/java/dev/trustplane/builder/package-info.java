/**
 * The hardened image builder. Facade: {@link dev.trustplane.builder.ImagePublisher} (build, push, sign,
 * attest), {@link dev.trustplane.builder.ImageBuilder} (lock, build), {@link dev.trustplane.builder.ImageSpecParser}
 * and {@link dev.trustplane.builder.Lockfile}; the build steps stay behind them.
 */
package dev.trustplane.builder;
