package dev.trustplane.sbom;

import java.nio.charset.StandardCharsets;

/** Package URLs for Debian packages, as SBOMs and scanners spell them. */
public final class Purls {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Purls() {
    }

    /** {@code pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=DISTRO}, the version percent-encoded. */
    public static String deb(String namespace, String name, String version, String arch, String distro) {
        return "pkg:deb/" + namespace + "/" + name + "@" + encode(version) + "?arch=" + arch + "&distro=" + distro;
    }

    /** {@code pkg:deb/debian/NAME@VERSION?arch=ARCH}, without a distro qualifier. */
    public static String deb(String namespace, String name, String version, String arch) {
        return "pkg:deb/" + namespace + "/" + name + "@" + encode(version) + (arch == null ? "" : "?arch=" + arch);
    }

    /**
     * Percent-encodes everything but the purl spec's unreserved characters ('+' becomes %2B, ':'
     * %3A); other characters as their UTF-8 bytes.
     */
    static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }
}
