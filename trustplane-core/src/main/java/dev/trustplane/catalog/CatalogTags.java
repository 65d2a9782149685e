package dev.trustplane.catalog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The tags a catalog image gets: the floating {@code 12} (the Debian version of its release),
 * {@code latest} for the newest release of a name in the catalog, and an immutable dated tag
 * {@code 12-20261206} ({@code 12-20261206.2} for a second release the same day). The dev variant
 * gets the same with {@code -dev}.
 */
final class CatalogTags {
    static final Map<String, String> VERSIONS = Map.of("buster", "10", "bullseye", "11", "bookworm", "12",
            "trixie", "13", "forky", "14", "duke", "15");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private CatalogTags() {
    }

    /** {@code 12} for bookworm; a release this table does not know keeps its codename. */
    static String version(String release) {
        return VERSIONS.getOrDefault(release, release);
    }

    /** Whether {@code release} is the newest release among those the catalog builds under {@code name}. */
    static boolean newest(Catalog catalog, String name, String release) {
        int mine = rank(release);
        for (Catalog.Entry e : catalog.images()) {
            if (e.spec() != null && e.spec().name().equals(name) && rank(e.spec().release()) > mine) {
                return false;
            }
        }
        return true;
    }

    private static int rank(String release) {
        try {
            return Integer.parseInt(version(release));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // sid and unknown codenames are newer than any numbered release
        }
    }

    /**
     * Every tag of a variant, the floating version tag first. {@code taken} says whether a dated
     * tag already names another image (then a counter is added: dated tags never move).
     */
    static List<String> tags(String release, String variant, boolean latest, Instant now, Predicate<String> taken) {
        String suffix = variant.equals("runtime") ? "" : "-" + variant;
        String v = version(release);
        List<String> tags = new ArrayList<>();
        tags.add(v + suffix);
        String dated = v + "-" + DAY.format(now);
        String candidate = dated + suffix;
        for (int n = 2; taken.test(candidate); n++) {
            candidate = dated + "." + n + suffix;
        }
        tags.add(candidate);
        if (latest) {
            tags.add("latest" + suffix);
        }
        return tags;
    }
}
