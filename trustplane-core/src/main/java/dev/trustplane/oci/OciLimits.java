package dev.trustplane.oci;

import dev.trustplane.error.LimitExceededException;

/**
 * Bounds on what Trustplane reads from untrusted sources. Exceeding one is a
 * {@link LimitExceededException} naming the limit.
 */
public record OciLimits(long maxManifestBytes, int maxIndexEntries, int maxLayers, long maxConfigBytes) {

    /** 4 MiB manifests (the distribution spec's minimum a registry must accept), 10,000 index entries. */
    public static final OciLimits DEFAULT = new OciLimits(4L << 20, 10_000, 1_000, 8L << 20);

    public OciLimits {
        if (maxManifestBytes <= 0 || maxIndexEntries <= 0 || maxLayers <= 0 || maxConfigBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public void checkManifestSize(long size, String subject) {
        if (size > maxManifestBytes) {
            throw new LimitExceededException("max-manifest-bytes", maxManifestBytes, subject + " (" + size + " bytes)");
        }
    }

    public void checkConfigSize(long size, String subject) {
        if (size > maxConfigBytes) {
            throw new LimitExceededException("max-config-bytes", maxConfigBytes, subject + " (" + size + " bytes)");
        }
    }
}
