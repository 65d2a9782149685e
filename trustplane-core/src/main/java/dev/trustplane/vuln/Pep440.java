package dev.trustplane.vuln;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PyPI version order (PEP 440): epoch, release (trailing zeros ignored), then pre-releases
 * ({@code a < b < rc}), post-releases and dev-releases as the spec orders them; local versions
 * sort after the public version they extend. Unparseable versions sort by text, last.
 */
final class Pep440 implements Comparator<String> {
    static final Pep440 ORDER = new Pep440();
    private static final Pattern VERSION = Pattern.compile(
            "v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)"
                    + "(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d*))?"
                    + "(?:(?:-(\\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\\d*)))?"
                    + "(?:[-_.]?(dev)[-_.]?(\\d*))?"
                    + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?");
    private static final long NEG = Long.MIN_VALUE;
    private static final long POS = Long.MAX_VALUE;

    private record Key(long epoch, List<BigInteger> release, int preKind, long preNum, long post, long dev,
            List<String> local) {
    }

    @Override
    public int compare(String a, String b) {
        Key x = key(a);
        Key y = key(b);
        if (x == null || y == null) {
            return x == null && y == null ? a.compareTo(b) : x == null ? 1 : -1;
        }
        int c = Long.compare(x.epoch, y.epoch);
        for (int i = 0; c == 0 && i < Math.max(x.release.size(), y.release.size()); i++) {
            BigInteger p = i < x.release.size() ? x.release.get(i) : BigInteger.ZERO;
            BigInteger q = i < y.release.size() ? y.release.get(i) : BigInteger.ZERO;
            c = p.compareTo(q);
        }
        if (c == 0) {
            c = Integer.compare(x.preKind, y.preKind);
        }
        if (c == 0) {
            c = Long.compare(x.preNum, y.preNum);
        }
        if (c == 0) {
            c = Long.compare(x.post, y.post);
        }
        if (c == 0) {
            c = Long.compare(x.dev, y.dev);
        }
        if (c == 0) {
            c = compareLocal(x.local, y.local);
        }
        return c;
    }

    private static Key key(String text) {
        Matcher m = VERSION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long epoch = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        List<BigInteger> release = new ArrayList<>();
        for (String part : m.group(2).split("\\.")) {
            release.add(new BigInteger(part));
        }
        boolean hasPre = m.group(3) != null;
        boolean hasPost = m.group(5) != null || m.group(6) != null;
        boolean hasDev = m.group(8) != null;
        int preKind;
        long preNum = 0;
        if (hasPre) {
            preKind = switch (m.group(3)) {
                case "a", "alpha" -> 1;
                case "b", "beta" -> 2;
                default -> 3;
            };
            preNum = m.group(4).isEmpty() ? 0 : Long.parseLong(m.group(4));
        } else if (!hasPost && hasDev) {
            preKind = 0; // 1.0.dev1 sorts before 1.0a1
        } else {
            preKind = 4; // no pre-release: after every pre-release
        }
        long post = !hasPost ? NEG : m.group(5) != null ? Long.parseLong(m.group(5))
                : m.group(7).isEmpty() ? 0 : Long.parseLong(m.group(7));
        long dev = !hasDev ? POS : m.group(9).isEmpty() ? 0 : Long.parseLong(m.group(9));
        List<String> local = m.group(10) == null ? List.of() : List.of(m.group(10).split("[-_.]"));
        return new Key(epoch, release, preKind, preNum, post, dev, local);
    }

    private static int compareLocal(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            boolean an = a.get(i).chars().allMatch(Character::isDigit);
            boolean bn = b.get(i).chars().allMatch(Character::isDigit);
            int c = an && bn ? new BigInteger(a.get(i)).compareTo(new BigInteger(b.get(i)))
                    : an ? 1 : bn ? -1 : a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
