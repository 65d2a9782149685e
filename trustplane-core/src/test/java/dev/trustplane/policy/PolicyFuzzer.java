package dev.trustplane.policy;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fuzz.Fixtures;
import java.util.List;

/**
 * Policy files as users and published libraries write them (Kyverno ClusterPolicy/Policy, YAML
 * with several documents, anchors and aliases, JSON): loaded into policies or problems that name
 * the file; a file that loads without errors yields policies. Nothing else escapes.
 */
public final class PolicyFuzzer {
    private static final PolicyLoader LOADER = new PolicyLoader(null, null);

    private PolicyFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            PolicyLoader.Loaded loaded = LOADER.parse(data, "fuzz.yaml");
            if (!loaded.hasErrors()) {
                for (Policy p : loaded.orThrow()) {
                    if (p.rules() == null) {
                        throw new IllegalStateException("a policy without rules was loaded");
                    }
                }
            }
        } catch (TrustplaneException refused) {
            // refused with a message
        }
    }

    public static List<byte[]> seeds() {
        return Fixtures.tree("/policy", 200, ".yaml", ".yml", ".json");
    }
}
