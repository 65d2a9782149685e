package dev.trustplane.oci.registry;

import dev.trustplane.oci.Descriptor;
import java.util.List;

/**
 * The referrers of one manifest and where they came from: the registry's referrers API, or the
 * {@code sha256-<hex>} fallback tag for registries without it.
 */
public record Referrers(List<Descriptor> manifests, Source source) {

    public enum Source { API, FALLBACK_TAG }

    public Referrers {
        manifests = List.copyOf(manifests);
    }
}
