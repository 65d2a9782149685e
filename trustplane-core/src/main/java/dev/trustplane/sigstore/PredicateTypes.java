package dev.trustplane.sigstore;

import dev.trustplane.error.EditDistance;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Predicate type URIs and the short names cosign's {@code --type} accepts for them. */
public final class PredicateTypes {
    public static final String SLSA_V1 = "https://slsa.dev/provenance/v1";
    public static final String SLSA_V02 = "https://slsa.dev/provenance/v0.2";
    public static final String CYCLONEDX = "https://cyclonedx.org/bom";
    public static final String SPDX = "https://spdx.dev/Document";
    public static final String OPENVEX = "https://openvex.dev/ns";
    public static final String VULNS = "https://in-toto.io/attestation/vulns/v0.1";
    public static final String COSIGN_VULN = "https://cosign.sigstore.dev/attestation/vuln/v1";
    public static final String CUSTOM = "https://cosign.sigstore.dev/attestation/v1";
    /** What cosign v3 signs for an image in a bundle: a statement whose predicate is empty. */
    public static final String COSIGN_SIGN = "https://sigstore.dev/cosign/sign/v1";

    /** cosign's short names and the URIs they stand for. */
    public static final Map<String, String> SHORT_NAMES = Map.ofEntries(
            Map.entry("slsaprovenance1", SLSA_V1),
            Map.entry("slsaprovenance", SLSA_V02),
            Map.entry("slsaprovenance02", SLSA_V02),
            Map.entry("cyclonedx", CYCLONEDX),
            Map.entry("spdx", SPDX),
            Map.entry("spdxjson", SPDX),
            Map.entry("openvex", OPENVEX),
            Map.entry("vuln", COSIGN_VULN),
            Map.entry("vulns", VULNS),
            Map.entry("custom", CUSTOM));

    private PredicateTypes() {
    }

    /** A short name (as cosign's {@code --type}) to its URI; a URI is returned unchanged. */
    public static String resolve(String typeOrShortName) {
        return SHORT_NAMES.getOrDefault(typeOrShortName, typeOrShortName);
    }

    public static boolean isKnownShortName(String name) {
        return SHORT_NAMES.containsKey(name);
    }

    /**
     * A well-known predicate type that {@code uri} is probably a misspelling of (other case,
     * scheme, trailing slash or a few characters apart), or null when none is close.
     */
    public static String closest(String uri) {
        String wanted = normal(uri);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : new TreeSet<>(SHORT_NAMES.values())) {
            if (known.equals(uri)) {
                return null;
            }
            String k = normal(known);
            int d = EditDistance.of(wanted, k) - (wanted.startsWith(k) || k.startsWith(wanted) ? 1 : 0);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return bestDistance <= 3 ? best : null;
    }

    private static String normal(String uri) {
        String s = uri.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
