package dev.trustplane.error;

import java.util.Locale;

/** Text from outside made safe to quote in a message: control characters escaped, length bounded. */
public final class Printable {
    private Printable() {
    }

    /** {@code text} with control and undefined characters as {@code \\uXXXX}, cut after {@code max} code points with "…". */
    public static String of(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        int[] count = {0};
        text.codePoints().limit(max).forEach(c -> {
            count[0]++;
            if (Character.isISOControl(c) || !Character.isDefined(c)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (text.codePointCount(0, text.length()) > count[0]) {
            out.append('…');
        }
        return out.toString();
    }
}
