/**
 * The signed Debian archive without apt. Facade: {@link DebianArchive},
 * {@link Resolver}, {@link DebianVersion} (dpkg order) and
 * {@link DebFile}.
 */
package dev.trustplane.debian;
