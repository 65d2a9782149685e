/**
 * The signed Debian archive without apt. Facade: {@link dev.trustplane.debian.DebianArchive},
 * {@link dev.trustplane.debian.Resolver}, {@link dev.trustplane.debian.DebianVersion} (dpkg order) and
 * {@link dev.trustplane.debian.DebFile}.
 */
package dev.trustplane.debian;
