package dev.trustplane.oci.layout;

/** What a garbage collection of a layout removed. */
public record GcResult(int blobsRemoved, long bytesFreed, int blobsKept, int tempFilesRemoved) {
}
