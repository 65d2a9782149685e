package dev.trustplane.policy;

/** Kyverno's wildcards: {@code *} any run of characters, {@code ?} exactly one; everything else literal. */
final class Wildcards {
    private Wildcards() {
    }

    public static boolean match(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            // a '*' in the pattern is always a wildcard, also where the text has a '*' there
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
