package dev.trustplane.debian;

/** A suite's verified release file with the SHA256 of the exact InRelease bytes that were verified. */
public record SuiteRelease(String archive, String suite, ReleaseFile release, String inReleaseSha256) {
}
