package dev.trustplane.debian;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's releases from 7 (wheezy) to 14 (forky) and sid, under every spelling scanners and feeds
 * use: the number ({@code 9}, {@code 9.13}), the distro qualifier of a purl ({@code debian-9},
 * {@code debian-9.13}), the codename ({@code stretch}), the OSV ecosystem ({@code Debian:9}) and
 * {@code unstable} for sid. The Debian security tracker names releases by codename, which is the
 * form everything is mapped to.
 */
public final class DebianReleases {
    private static final Map<String, String> BY_NUMBER = new LinkedHashMap<>();

    static {
        BY_NUMBER.put("7", "wheezy");
        BY_NUMBER.put("8", "jessie");
        BY_NUMBER.put("9", "stretch");
        BY_NUMBER.put("10", "buster");
        BY_NUMBER.put("11", "bullseye");
        BY_NUMBER.put("12", "bookworm");
        BY_NUMBER.put("13", "trixie");
        BY_NUMBER.put("14", "forky");
    }

    private DebianReleases() {
    }

    /**
     * The codename of {@code spelling} ({@code 12}, {@code 12.4}, {@code debian-12.15},
     * {@code Debian:12}, {@code bookworm}, {@code unstable} → {@code bookworm} / {@code sid}), or
     * empty when it names no release from 7 to 14 or sid.
     */
    public static Optional<String> codename(String spelling) {
        if (spelling == null || spelling.isBlank()) {
            return Optional.empty();
        }
        String s = spelling.strip().toLowerCase(Locale.ROOT);
        for (String prefix : List.of("debian:", "debian-", "debian ")) {
            if (s.startsWith(prefix)) {
                s = s.substring(prefix.length());
                break;
            }
        }
        if (s.equals("sid") || s.equals("unstable")) {
            return Optional.of("sid");
        }
        if (BY_NUMBER.containsValue(s)) {
            return Optional.of(s);
        }
        int dot = s.indexOf('.');
        String major = dot < 0 ? s : s.substring(0, dot);
        return Optional.ofNullable(BY_NUMBER.get(major));
    }

    /** The release number of {@code codename} ({@code bookworm} → {@code 12}); empty for sid or an unknown name. */
    public static Optional<String> number(String codename) {
        for (Map.Entry<String, String> e : BY_NUMBER.entrySet()) {
            if (e.getValue().equals(codename)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The OSV ecosystem of {@code codename} ({@code bookworm} → {@code Debian:12}); empty for sid or an unknown name. */
    public static Optional<String> osvEcosystem(String codename) {
        return number(codename).map(n -> "Debian:" + n);
    }

    /** Every codename this table knows, oldest first, then sid. */
    public static List<String> codenames() {
        List<String> all = new ArrayList<>(BY_NUMBER.values());
        all.add("sid");
        return List.copyOf(all);
    }
}
