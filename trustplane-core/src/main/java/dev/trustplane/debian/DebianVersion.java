package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;

/**
 * A Debian package version {@code [epoch:]upstream[-revision]}, ordered as Debian Policy 5.6.12
 * and {@code dpkg --compare-versions} order them.
 */
public record DebianVersion(int epoch, String upstream, String revision) implements Comparable<DebianVersion> {

    public DebianVersion {
        if (epoch < 0 || upstream == null || upstream.isEmpty() || revision == null) {
            throw new IllegalArgumentException("invalid version parts");
        }
    }

    public static DebianVersion parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw invalid(text, "it is empty");
        }
        int epoch = 0;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String e = s.substring(0, colon);
            if (e.isEmpty() || !e.chars().allMatch(Character::isDigit) || e.length() > 9) {
                throw invalid(text, "the epoch before ':' must be a number");
            }
            epoch = Integer.parseInt(e);
            s = s.substring(colon + 1);
        }
        String revision = "";
        int dash = s.lastIndexOf('-');
        if (dash >= 0) {
            revision = s.substring(dash + 1);
            s = s.substring(0, dash);
            if (revision.isEmpty()) {
                throw invalid(text, "the revision after the last '-' is empty");
            }
        }
        if (s.isEmpty() || !Character.isDigit(s.charAt(0))) {
            throw invalid(text, "the upstream version must start with a digit");
        }
        for (char c : s.toCharArray()) {
            if (!(Character.isLetterOrDigit(c) && c < 128) && ".+~-:".indexOf(c) < 0) {
                throw invalid(text, "it contains '" + c + "'");
            }
        }
        for (char c : revision.toCharArray()) {
            if (!(Character.isLetterOrDigit(c) && c < 128) && ".+~".indexOf(c) < 0) {
                throw invalid(text, "the revision contains '" + c + "'");
            }
        }
        return new DebianVersion(epoch, s, revision);
    }

    private static TrustplaneException invalid(String text, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT,
                "Invalid Debian version '" + text + "': " + why + " (expected [epoch:]upstream[-revision])");
    }

    @Override
    public int compareTo(DebianVersion other) {
        if (epoch != other.epoch) {
            return Integer.compare(epoch, other.epoch);
        }
        int c = compareFragment(upstream, other.upstream);
        return c != 0 ? c : compareFragment(revision, other.revision);
    }

    /** The dpkg algorithm: alternate non-digit runs (lexical, '~' first, letters before others) and digit runs. */
    static int compareFragment(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i)))
                    || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = i < a.length() && !Character.isDigit(a.charAt(i)) ? order(a.charAt(i)) : 0;
                int bc = j < b.length() && !Character.isDigit(b.charAt(j)) ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return Integer.compare(ac, bc);
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && Character.isDigit(a.charAt(i))
                    && j < b.length() && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = Integer.compare(a.charAt(i), b.charAt(j));
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    private static int order(char c) {
        if (Character.isLetter(c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    @Override
    public String toString() {
        // an upstream version with a ':' needs its epoch written, even 0, or the ':' would read as the epoch's
        return (epoch > 0 || upstream.indexOf(':') >= 0 ? epoch + ":" : "") + upstream
                + (revision.isEmpty() ? "" : "-" + revision);
    }
}
