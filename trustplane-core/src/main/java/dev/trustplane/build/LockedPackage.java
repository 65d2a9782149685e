package dev.trustplane.build;

import java.util.List;

/** One package pinned by a lockfile, with everything needed to fetch and verify it again. */
public record LockedPackage(
        String name,
        String version,
        String architecture,
        String source,
        String sourceVersion,
        String archive,
        String suite,
        String filename,
        long size,
        String sha256,
        List<String> dependsOn) {

    public LockedPackage {
        dependsOn = List.copyOf(dependsOn);
    }

    /** The package URL (purl) as SBOMs and scanners spell it. */
    public String purl(String distro) {
        return "pkg:deb/debian/" + name + "@" + encode(version) + "?arch=" + architecture + "&distro=" + distro;
    }

    /** Percent-encodes everything but the purl spec's unreserved characters ('+' becomes %2B, ':' %3A). */
    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", (int) c));
            }
        }
        return sb.toString();
    }
}
