package dev.trustplane.debian;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Licenses from a machine-readable {@code debian/copyright} file (DEP-5): the short names of every
 * {@code License:} field, mapped to SPDX identifiers where Debian's names have one.
 */
public final class Copyright {
    private static final Map<String, String> SPDX = Map.ofEntries(
            Map.entry("gpl-1", "GPL-1.0-only"), Map.entry("gpl-1+", "GPL-1.0-or-later"),
            Map.entry("gpl-2", "GPL-2.0-only"), Map.entry("gpl-2+", "GPL-2.0-or-later"),
            Map.entry("gpl-3", "GPL-3.0-only"), Map.entry("gpl-3+", "GPL-3.0-or-later"),
            Map.entry("lgpl-2", "LGPL-2.0-only"), Map.entry("lgpl-2+", "LGPL-2.0-or-later"),
            Map.entry("lgpl-2.1", "LGPL-2.1-only"), Map.entry("lgpl-2.1+", "LGPL-2.1-or-later"),
            Map.entry("lgpl-3", "LGPL-3.0-only"), Map.entry("lgpl-3+", "LGPL-3.0-or-later"),
            Map.entry("agpl-3", "AGPL-3.0-only"), Map.entry("agpl-3+", "AGPL-3.0-or-later"),
            Map.entry("apache-2.0", "Apache-2.0"), Map.entry("artistic", "Artistic-1.0-Perl"),
            Map.entry("artistic-2.0", "Artistic-2.0"), Map.entry("bsd-2-clause", "BSD-2-Clause"),
            Map.entry("bsd-3-clause", "BSD-3-Clause"), Map.entry("bsd-4-clause", "BSD-4-Clause"),
            Map.entry("expat", "MIT"), Map.entry("mit", "MIT"), Map.entry("isc", "ISC"), Map.entry("zlib", "Zlib"),
            Map.entry("mpl-1.1", "MPL-1.1"), Map.entry("mpl-2.0", "MPL-2.0"), Map.entry("cc0-1.0", "CC0-1.0"),
            Map.entry("public-domain", "LicenseRef-public-domain"), Map.entry("psf-2", "PSF-2.0"),
            Map.entry("python-2.0", "Python-2.0"), Map.entry("openssl", "OpenSSL"), Map.entry("ssleay", "SSLeay-standalone"),
            Map.entry("curl", "curl"), Map.entry("x11", "X11"), Map.entry("bsl-1.0", "BSL-1.0"),
            Map.entry("mpl-2.0+", "MPL-2.0"), Map.entry("gfdl-1.2+", "GFDL-1.2-or-later"),
            Map.entry("gfdl-1.3+", "GFDL-1.3-or-later"), Map.entry("unicode-dfs-2016", "Unicode-DFS-2016"),
            Map.entry("ofl-1.1", "OFL-1.1"), Map.entry("cc-by-4.0", "CC-BY-4.0"),
            Map.entry("cc-by-sa-3.0", "CC-BY-SA-3.0"), Map.entry("cc-by-sa-4.0", "CC-BY-SA-4.0"));

    private static final String LICENSE_FIELD = "License:";
    /** Between the names of an expression: "GPL-2+ or Artistic", "MIT and BSD-3-clause", "A, and B". */
    private static final Pattern SEPARATORS = Pattern.compile("\\s+(or|and|OR|AND)\\s+|,\\s*(or|and)?\\s*");

    /** One license as found: the Debian short name and its SPDX identifier, or null when none maps. */
    public record License(String name, String spdxId) {
    }

    private Copyright() {
    }

    /** Licenses of a DEP-5 file in order of appearance; an empty list when the file is not machine-readable. */
    public static List<License> licenses(String text) {
        if (text == null || !text.startsWith("Format:") && !text.contains("\nFormat:")
                && !text.startsWith("Format-Specification:")) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        // The first line of every License field: a field starts a line (continuation lines are
        // indented, comments start with '#'), so one pass over the lines finds them without
        // building the paragraphs and their full license texts.
        for (int at = 0, end; at < text.length(); at = end + 1) {
            end = text.indexOf('\n', at);
            end = end < 0 ? text.length() : end;
            if (end - at < LICENSE_FIELD.length() || !text.regionMatches(true, at, LICENSE_FIELD, 0,
                    LICENSE_FIELD.length())) {
                continue;
            }
            for (String part : SEPARATORS.split(text.substring(at + LICENSE_FIELD.length(), end).strip())) {
                String name = part.replace("(", "").replace(")", "").strip();
                if (!name.isEmpty() && name.length() < 80) {
                    names.add(name);
                }
            }
        }
        return names.stream().map(n -> new License(n, SPDX.get(n.toLowerCase(Locale.ROOT)))).toList();
    }
}
