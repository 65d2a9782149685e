package dev.trustplane.oci.transfer;

import dev.trustplane.oci.Digest;

/** What a copy did: the root digest and media type, and blob counts by what happened to them. */
public record CopyResult(Digest digest, String mediaType, int manifests, int blobsCopied, int blobsSkipped,
        int blobsMounted, long bytesCopied) {
}
