package dev.trustplane.vuln;

import java.math.BigInteger;
import java.util.Comparator;

/** Semantic Versioning 2.0 order (a leading {@code v} is ignored; build metadata never counts). */
final class Semver implements Comparator<String> {
    static final Semver ORDER = new Semver();

    @Override
    public int compare(String a, String b) {
        String[] x = split(a);
        String[] y = split(b);
        String[] xs = x[0].split("\\.");
        String[] ys = y[0].split("\\.");
        for (int i = 0; i < Math.max(xs.length, ys.length); i++) {
            int c = Long.compare(number(xs, i), number(ys, i));
            if (c != 0) {
                return c;
            }
        }
        if (x[1].isEmpty() || y[1].isEmpty()) {
            return Boolean.compare(x[1].isEmpty(), y[1].isEmpty());
        }
        String[] xp = x[1].split("\\.");
        String[] yp = y[1].split("\\.");
        for (int i = 0; i < Math.min(xp.length, yp.length); i++) {
            boolean xn = xp[i].chars().allMatch(Character::isDigit);
            boolean yn = yp[i].chars().allMatch(Character::isDigit);
            int c = xn && yn ? new BigInteger(xp[i]).compareTo(new BigInteger(yp[i]))
                    : xn ? -1 : yn ? 1 : xp[i].compareTo(yp[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(xp.length, yp.length);
    }

    /** {main, pre-release} without a leading v and without build metadata. */
    private static String[] split(String v) {
        String s = v.startsWith("v") ? v.substring(1) : v;
        int plus = s.indexOf('+');
        if (plus >= 0) {
            s = s.substring(0, plus);
        }
        int dash = s.indexOf('-');
        return dash < 0 ? new String[] {s, ""} : new String[] {s.substring(0, dash), s.substring(dash + 1)};
    }

    private static long number(String[] parts, int i) {
        if (i >= parts.length || parts[i].isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
