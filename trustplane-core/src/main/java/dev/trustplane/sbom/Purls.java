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

    /**
     * Like {@link #deb(String, String, String, String, String)}, with the {@code upstream} qualifier
     * when the binary package is built from a source package of another name ({@code upstream=glibc})
     * or another version ({@code upstream=openssl%403.0.15-1}), as syft writes it, so that grype
     * and trivy match the binary through its source; qualifiers in the spec's sorted order.
     */
    public static String deb(String namespace, String name, String version, String arch, String distro, String source,
            String sourceVersion) {
        boolean otherName = source != null && !source.isEmpty() && !source.equals(name);
        boolean otherVersion = sourceVersion != null && !sourceVersion.isEmpty() && !sourceVersion.equals(version);
        if (!otherName && !otherVersion) {
            return deb(namespace, name, version, arch, distro);
        }
        String upstream = (otherName ? source : name) + (otherVersion ? "@" + sourceVersion : "");
        return "pkg:deb/" + namespace + "/" + name + "@" + encode(version) + "?arch=" + arch + "&distro=" + distro
                + "&upstream=" + encode(upstream);
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
