/**
 * The hardened image builder. Facade: {@link ImagePublisher} (build, push, sign,
 * attest), {@link ImageBuilder} (lock, build), {@link ImageSpecParser}
 * and {@link Lockfile}; the build steps stay behind them.
 */
package dev.trustplane.builder;
