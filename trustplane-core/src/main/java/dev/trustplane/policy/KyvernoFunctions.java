package dev.trustplane.policy;

import io.burt.jmespath.Adapter;
import io.burt.jmespath.JmesPathType;
import io.burt.jmespath.function.ArgumentConstraint;
import io.burt.jmespath.function.ArgumentConstraints;
import io.burt.jmespath.function.BaseFunction;
import io.burt.jmespath.function.Function;
import io.burt.jmespath.function.FunctionArgument;
import io.burt.jmespath.function.FunctionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The JMESPath functions Kyverno adds that published policies use, with Kyverno's argument order
 * and results: {@code regex_match}, {@code regex_replace_all}, {@code regex_replace_all_literal},
 * {@code to_upper}, {@code to_lower}, {@code trim}, {@code trim_prefix}, {@code trim_suffix},
 * {@code split}, {@code truncate}, {@code time_after}, {@code time_before},
 * {@code base64_encode}, {@code base64_decode}, {@code parse_json}, {@code equal_fold},
 * {@code compare}, {@code lookup}, {@code time_now_utc}, {@code time_since} and
 * {@code semver_compare}. An expression naming any other function fails to compile, and the
 * loader reports that function as unsupported (not as a syntax error).
 */
final class KyvernoFunctions {
    private KyvernoFunctions() {
    }

    static final List<Function> ALL = List.of(
            new BaseFunction("regex_match", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.STRING, JmesPathType.NUMBER)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    try {
                        return rt.createBoolean(Pattern.compile(text(rt, args, 0)).matcher(text(rt, args, 1)).find());
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("regex_match: '" + text(rt, args, 0) + "' is not a regular"
                                + " expression: " + e.getDescription());
                    }
                }
            },
            fn("regex_replace_all", 3, (rt, s) -> s.get(1).replaceAll(s.get(0), goReplacement(s.get(2)))),
            fn("regex_replace_all_literal", 3, (rt, s) -> Pattern.compile(s.get(0)).matcher(s.get(1))
                    .replaceAll(Matcher.quoteReplacement(s.get(2)))),
            fn("to_upper", 1, (rt, s) -> s.get(0).toUpperCase(Locale.ROOT)),
            fn("to_lower", 1, (rt, s) -> s.get(0).toLowerCase(Locale.ROOT)),
            fn("trim", 2, (rt, s) -> trim(s.get(0), s.get(1))),
            fn("trim_prefix", 2, (rt, s) -> s.get(0).startsWith(s.get(1)) ? s.get(0).substring(s.get(1).length()) : s.get(0)),
            fn("trim_suffix", 2, (rt, s) -> s.get(0).endsWith(s.get(1))
                    ? s.get(0).substring(0, s.get(0).length() - s.get(1).length()) : s.get(0)),
            new BaseFunction("time_after", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.STRING)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    return rt.createBoolean(time("", text(rt, args, 0)).isAfter(time("", text(rt, args, 1))));
                }
            },
            new BaseFunction("time_before", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.STRING)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    return rt.createBoolean(time("", text(rt, args, 0)).isBefore(time("", text(rt, args, 1))));
                }
            },
            fn("base64_encode", 1, (rt, s) -> Base64.getEncoder().encodeToString(s.get(0).getBytes(StandardCharsets.UTF_8))),
            fn("base64_decode", 1, (rt, s) -> new String(Base64.getDecoder().decode(s.get(0)), StandardCharsets.UTF_8)),
            fn("time_now_utc", 0, (rt, s) -> Instant.now().toString()),
            fn("time_since", 3, (rt, s) -> goDuration(Duration.between(time(s.get(0), s.get(1)),
                    s.get(2).isEmpty() ? Instant.now() : time(s.get(0), s.get(2))))),
            new BaseFunction("split", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.STRING)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    List<T> parts = new ArrayList<>();
                    for (String p : text(rt, args, 0).split(Pattern.quote(text(rt, args, 1)), -1)) {
                        parts.add(rt.createString(p));
                    }
                    return rt.createArray(parts);
                }
            },
            new BaseFunction("truncate", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.NUMBER)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    String s = text(rt, args, 0);
                    int n = Math.max(0, rt.toNumber(args.get(1).value()).intValue());
                    return rt.createString(s.length() <= n ? s : s.substring(0, n));
                }
            },
            new BaseFunction("parse_json", ArgumentConstraints.typeOf(JmesPathType.STRING)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    return rt.parseString(text(rt, args, 0));
                }
            },
            new BaseFunction("equal_fold", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.STRING)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    return rt.createBoolean(text(rt, args, 0).equalsIgnoreCase(text(rt, args, 1)));
                }
            },
            new BaseFunction("compare", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.STRING)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    return rt.createNumber((long) Integer.signum(text(rt, args, 0).compareTo(text(rt, args, 1))));
                }
            },
            new BaseFunction("lookup", ArgumentConstraints.typeOf(JmesPathType.OBJECT, JmesPathType.ARRAY),
                    ArgumentConstraints.typeOf(JmesPathType.STRING, JmesPathType.NUMBER)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    T collection = args.get(0).value();
                    T key = args.get(1).value();
                    if (rt.typeOf(collection) == JmesPathType.ARRAY) {
                        List<T> list = rt.toList(collection);
                        int i = rt.toNumber(key).intValue();
                        return i >= 0 && i < list.size() ? list.get(i) : rt.createNull();
                    }
                    return rt.getProperty(collection, rt.toString(key));
                }
            },
            new BaseFunction("semver_compare", ArgumentConstraints.typeOf(JmesPathType.STRING),
                    ArgumentConstraints.typeOf(JmesPathType.STRING)) {
                @Override
                protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                    return rt.createBoolean(semverSatisfies(text(rt, args, 0), text(rt, args, 1)));
                }
            });

    /** The names Trustplane knows beyond standard JMESPath, for messages. */
    static final TreeSet<String> NAMES = new TreeSet<>(ALL.stream().map(Function::name).toList());

    static FunctionRegistry registry() {
        return FunctionRegistry.defaultRegistry().extend(ALL.toArray(new Function[0]));
    }

    /** A function of {@code arity} string arguments returning a string. */
    private static Function fn(String name, int arity, StringFunction body) {
        ArgumentConstraint[] constraints = new ArgumentConstraint[arity];
        for (int i = 0; i < arity; i++) {
            constraints[i] = ArgumentConstraints.typeOf(JmesPathType.STRING, JmesPathType.NUMBER);
        }
        return new BaseFunction(name, constraints) {
            @Override
            protected <T> T callFunction(Adapter<T> rt, List<FunctionArgument<T>> args) {
                List<String> s = new ArrayList<>();
                for (int i = 0; i < args.size(); i++) {
                    s.add(text(rt, args, i));
                }
                return rt.createString(body.apply(rt, s));
            }
        };
    }

    @FunctionalInterface
    private interface StringFunction {
        String apply(Adapter<?> rt, List<String> args);
    }

    private static <T> String text(Adapter<T> rt, List<FunctionArgument<T>> args, int i) {
        T v = args.get(i).value();
        if (rt.typeOf(v) == JmesPathType.STRING) {
            return rt.toString(v);
        }
        Number n = rt.toNumber(v);
        return n.doubleValue() == Math.rint(n.doubleValue()) ? Long.toString(n.longValue()) : n.toString();
    }

    private static String trim(String s, String cutset) {
        int start = 0;
        int end = s.length();
        while (start < end && cutset.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && cutset.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Go's {@code ${1}} / {@code $1} replacement references are Java's {@code $1}. */
    private static String goReplacement(String r) {
        return r.replaceAll("\\$\\{(\\d+)}", "\\$$1");
    }

    /** A time in Go {@code layout}; Kyverno's policies use RFC 3339 (empty layout) almost always. */
    private static Instant time(String layout, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time_since: '" + value + "' is not an RFC 3339 time"
                    + (layout.isEmpty() ? "" : " (Go layouts other than RFC 3339 are not supported: '" + layout + "')"));
        }
    }

    /** A duration as Go prints one: {@code 26h3m4.5s}. */
    static String goDuration(Duration d) {
        boolean negative = d.isNegative();
        d = d.abs();
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        double seconds = d.toSecondsPart() + d.toNanosPart() / 1e9;
        StringBuilder sb = new StringBuilder(negative ? "-" : "");
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        String s = seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds)
                .replaceAll("0+$", "");
        return sb.append(s).append('s').toString();
    }

    /**
     * blang/semver ranges as Kyverno evaluates them: {@code ">=1.0.0 <2.0.0"} (all must hold),
     * {@code "<1.0.0 || >=2.0.0"} (any), operators {@code = == != > >= < <=} (none means =).
     */
    static boolean semverSatisfies(String version, String range) {
        long[] v = semver(version);
        for (String alternative : range.split("\\|\\|")) {
            boolean all = true;
            for (String term : alternative.trim().split("\\s+")) {
                if (term.isEmpty()) {
                    continue;
                }
                String op = term.replaceAll("^([<>=!]*).*", "$1");
                int c = compare(v, semver(term.substring(op.length())));
                all &= switch (op) {
                    case "", "=", "==" -> c == 0;
                    case "!=" -> c != 0;
                    case ">" -> c > 0;
                    case ">=" -> c >= 0;
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    default -> throw new IllegalArgumentException("semver_compare: unknown operator '" + op + "'");
                };
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static long[] semver(String text) {
        String t = text.trim().replaceFirst("^v", "");
        String core = t.split("[-+]", 2)[0];
        String[] parts = core.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("semver_compare: '" + text + "' is not a semantic version");
        }
        long[] out = new long[4];
        for (int i = 0; i < 3; i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        out[3] = t.length() > core.length() && t.charAt(core.length()) == '-' ? 0 : 1; // a pre-release sorts first
        return out;
    }

    private static int compare(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return Long.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
