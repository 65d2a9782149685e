package dev.trustplane.oci.layout;

import dev.trustplane.oci.Descriptor;

/** One entry of a layout's {@code index.json}: a descriptor and its {@code org.opencontainers.image.ref.name}, if any. */
public record LayoutEntry(Descriptor descriptor, String refName) {
}
