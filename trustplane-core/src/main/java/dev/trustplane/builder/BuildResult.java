package dev.trustplane.builder;

import dev.trustplane.oci.Descriptor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a build produced: per variant the tag and the top descriptor (an index when several architectures). */
public record BuildResult(List<Variant> variants) {
    public BuildResult {
        variants = List.copyOf(variants);
    }

    /** One variant: its tag, top descriptor, per-architecture manifests and package count, and SBOM referrers. */
    public record Variant(String name, String tag, Descriptor descriptor, Map<String, Descriptor> manifests,
            int packages, List<Descriptor> sboms) {
        public Variant {
            manifests = Collections.unmodifiableMap(new LinkedHashMap<>(manifests));
            sboms = List.copyOf(sboms);
        }
    }
}
