package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.ArrayList;
import java.util.List;

/**
 * One package relation such as {@code libc6 (>= 2.34)} or {@code awk:any}: a name, an optional
 * architecture qualifier and an optional version constraint (Debian Policy 7.1).
 */
record Relation(String name, String archQualifier, Op op, DebianVersion version) {

    /** Version operators; {@code <<} and {@code >>} are strict. */
    public enum Op {
        LT("<<"), LE("<="), EQ("="), GE(">="), GT(">>");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        static Op parse(String s, String field) {
            return switch (s) {
                case "<<" -> LT;
                case "<=", "<" -> LE;
                case "=" -> EQ;
                case ">=", ">" -> GE;
                case ">>" -> GT;
                default -> throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                        "Unknown version operator '" + s + "' in relation '" + field + "'");
            };
        }

        boolean test(int comparison) {
            return switch (this) {
                case LT -> comparison < 0;
                case LE -> comparison <= 0;
                case EQ -> comparison == 0;
                case GE -> comparison >= 0;
                case GT -> comparison > 0;
            };
        }

        public String symbol() {
            return symbol;
        }
    }

    public boolean satisfiedBy(DebianVersion candidate) {
        return op == null || (candidate != null && op.test(candidate.compareTo(version)));
    }

    /** Parses a field such as Depends: AND-separated by commas, alternatives separated by '|'. */
    public static List<List<Relation>> parseField(String field) {
        List<List<Relation>> all = new ArrayList<>();
        if (field == null || field.isBlank()) {
            return all;
        }
        for (String group : field.split(",")) {
            if (group.isBlank()) {
                continue;
            }
            List<Relation> alternatives = new ArrayList<>();
            for (String alt : group.split("\\|")) {
                alternatives.add(parse(alt, field));
            }
            all.add(List.copyOf(alternatives));
        }
        return all;
    }

    static Relation parse(String text, String field) {
        String s = text.replaceAll("\\[[^]]*]", "").replaceAll("<[^>]*>", "").strip();
        String version = null;
        String op = null;
        int paren = s.indexOf('(');
        if (paren >= 0) {
            int close = s.indexOf(')', paren);
            if (close < 0) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unclosed '(' in relation '" + field + "'");
            }
            String constraint = s.substring(paren + 1, close).strip();
            int k = 0;
            while (k < constraint.length() && "<>=".indexOf(constraint.charAt(k)) >= 0) {
                k++;
            }
            op = constraint.substring(0, k);
            version = constraint.substring(k).strip();
            s = s.substring(0, paren).strip();
        }
        String arch = null;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            arch = s.substring(colon + 1);
            s = s.substring(0, colon);
        }
        if (s.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Empty package name in relation '" + field + "'");
        }
        return op == null ? new Relation(s, arch, null, null)
                : new Relation(s, arch, Op.parse(op, field), DebianVersion.parse(version));
    }

    @Override
    public String toString() {
        return name + (archQualifier == null ? "" : ":" + archQualifier)
                + (op == null ? "" : " (" + op.symbol + " " + version + ")");
    }
}
