package dev.trustplane.vuln;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Maven's version order (the rules of Maven's ComparableVersion): numbers and qualifiers split at
 * '.', '-' and digit/letter transitions; {@code alpha < beta < milestone < rc = cr < snapshot <
 * "" = ga = final = release < sp < other qualifiers}; trailing zeros and release qualifiers ignored.
 */
final class MavenVersion implements Comparator<String> {
    static final MavenVersion ORDER = new MavenVersion();
    private static final List<String> QUALIFIERS = List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

    private sealed interface Item permits Num, Str, Lst {
        /** Compares with another item; {@code other} null means "nothing there". */
        int compareTo(Item other);

        boolean isNull();
    }

    private record Num(BigInteger value) implements Item {
        public int compareTo(Item o) {
            return switch (o) {
                case null -> value.signum();
                case Num n -> value.compareTo(n.value);
                case Str s -> 1;
                case Lst l -> 1;
            };
        }

        public boolean isNull() {
            return value.signum() == 0;
        }
    }

    private record Str(String value) implements Item {
        static Str of(String raw, boolean followedByDigit) {
            String v = raw;
            if (followedByDigit && v.length() == 1) {
                v = switch (v) {
                    case "a" -> "alpha";
                    case "b" -> "beta";
                    case "m" -> "milestone";
                    default -> v;
                };
            }
            v = switch (v) {
                case "ga", "final", "release" -> "";
                case "cr" -> "rc";
                default -> v;
            };
            return new Str(v);
        }

        static String comparable(String q) {
            int i = QUALIFIERS.indexOf(q);
            return i == -1 ? QUALIFIERS.size() + "-" + q : String.valueOf(i);
        }

        public int compareTo(Item o) {
            return switch (o) {
                case null -> comparable(value).compareTo(RELEASE_INDEX);
                case Num n -> -1;
                case Str s -> comparable(value).compareTo(comparable(s.value));
                case Lst l -> -1;
            };
        }

        public boolean isNull() {
            return value.isEmpty();
        }
    }

    private record Lst(List<Item> items) implements Item {
        Lst() {
            this(new ArrayList<>());
        }

        public int compareTo(Item o) {
            if (o == null) {
                return items.isEmpty() ? 0 : items.get(0).compareTo(null);
            }
            return switch (o) {
                case Num n -> -1;
                case Str s -> 1;
                case Lst l -> {
                    for (int i = 0; i < Math.max(items.size(), l.items.size()); i++) {
                        Item a = i < items.size() ? items.get(i) : null;
                        Item b = i < l.items.size() ? l.items.get(i) : null;
                        int c = a == null ? (b == null ? 0 : -b.compareTo(null)) : a.compareTo(b);
                        if (c != 0) {
                            yield c;
                        }
                    }
                    yield 0;
                }
            };
        }

        public boolean isNull() {
            return items.isEmpty();
        }

        void normalize() {
            for (int i = items.size() - 1; i >= 0; i--) {
                Item last = items.get(i);
                if (last.isNull()) {
                    items.remove(i);
                } else if (!(last instanceof Lst)) {
                    break;
                }
            }
        }
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    static Lst parse(String text) {
        String version = text.toLowerCase(Locale.ROOT);
        Lst list = new Lst();
        Lst items = list;
        Deque<Lst> stack = new ArrayDeque<>();
        stack.push(list);
        boolean digit = false;
        int start = 0;
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c == '.') {
                list.items.add(i == start ? new Num(BigInteger.ZERO) : item(digit, version.substring(start, i)));
                start = i + 1;
            } else if (c == '-') {
                list.items.add(i == start ? new Num(BigInteger.ZERO) : item(digit, version.substring(start, i)));
                start = i + 1;
                Lst sub = new Lst();
                list.items.add(sub);
                list = sub;
                stack.push(list);
            } else if (Character.isDigit(c)) {
                if (!digit && i > start) {
                    if (!list.items.isEmpty()) {
                        Lst sub = new Lst();
                        list.items.add(sub);
                        list = sub;
                        stack.push(list);
                    }
                    list.items.add(Str.of(version.substring(start, i), true));
                    start = i;
                    Lst sub = new Lst();
                    list.items.add(sub);
                    list = sub;
                    stack.push(list);
                }
                digit = true;
            } else {
                if (digit && i > start) {
                    list.items.add(item(true, version.substring(start, i)));
                    start = i;
                    Lst sub = new Lst();
                    list.items.add(sub);
                    list = sub;
                    stack.push(list);
                }
                digit = false;
            }
        }
        if (version.length() > start) {
            if (!digit && !list.items.isEmpty()) {
                Lst sub = new Lst();
                list.items.add(sub);
                list = sub;
                stack.push(list);
            }
            list.items.add(item(digit, version.substring(start)));
        }
        while (!stack.isEmpty()) {
            stack.pop().normalize();
        }
        return items;
    }

    private static Item item(boolean digit, String text) {
        return digit ? new Num(new BigInteger(text)) : Str.of(text, false);
    }
}
