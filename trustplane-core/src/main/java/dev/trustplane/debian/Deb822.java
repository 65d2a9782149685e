package dev.trustplane.debian;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Debian control-file syntax (deb822): paragraphs of {@code Field: value} lines separated by blank
 * lines, continuation lines starting with a space or tab. Field names are case-insensitive.
 */
public final class Deb822 {
    private Deb822() {
    }

    /** One paragraph; keeps field order and the original spelling of names for writing it back. */
    public static final class Paragraph {
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final Map<String, String> byLowerName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        void put(String name, String value) {
            String existing = byLowerName.get(name);
            String key = existing == null ? name : existing;
            byLowerName.put(name, key);
            fields.put(key, value);
        }

        /** The value with continuation lines joined by newlines, or null. */
        public String get(String name) {
            String key = byLowerName.get(name);
            return key == null ? null : fields.get(key);
        }

        public String get(String name, String fallback) {
            String v = get(name);
            return v == null ? fallback : v;
        }

        public Map<String, String> fields() {
            return Collections.unmodifiableMap(fields);
        }

        public boolean isEmpty() {
            return fields.isEmpty();
        }

        /** A copy with {@code name: value} inserted right after the field {@code after} (or at the end). */
        public Paragraph withFieldAfter(String after, String name, String value) {
            Paragraph copy = new Paragraph();
            boolean inserted = false;
            for (Map.Entry<String, String> f : fields.entrySet()) {
                copy.put(f.getKey(), f.getValue());
                if (!inserted && f.getKey().equalsIgnoreCase(after)) {
                    copy.put(name, value);
                    inserted = true;
                }
            }
            if (!inserted) {
                copy.put(name, value);
            }
            return copy;
        }

        /** Writes the paragraph back in control-file syntax, ending with a newline. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            fields.forEach((k, v) -> {
                String[] lines = v.split("\n", -1);
                sb.append(k).append(':');
                if (!lines[0].isEmpty()) {
                    sb.append(' ').append(lines[0]);
                }
                sb.append('\n');
                for (int i = 1; i < lines.length; i++) {
                    sb.append(' ').append(lines[i].isEmpty() ? "." : lines[i]).append('\n');
                }
            });
            return sb.toString();
        }
    }

    public static List<Paragraph> parse(String text) {
        List<Paragraph> list = new ArrayList<>();
        parse(new StringReader(text), null, list::add);
        return list;
    }

    /**
     * Streams paragraphs to {@code sink}. When {@code keep} is not null only those fields (lower
     * case names) are kept: large indices are parsed without holding descriptions.
     */
    public static void parse(Reader source, Set<String> keep, Consumer<Paragraph> sink) {
        try {
            BufferedReader in = source instanceof BufferedReader b ? b : new BufferedReader(source, 1 << 16);
            Paragraph current = new Paragraph();
            String name = null;
            StringBuilder value = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    if (name != null) {
                        current.put(name, value.toString());
                        name = null;
                    }
                    if (!current.isEmpty()) {
                        sink.accept(current);
                        current = new Paragraph();
                    }
                    continue;
                }
                char first = line.charAt(0);
                if (first == '#') {
                    continue;
                }
                if (first == ' ' || first == '\t') {
                    if (name != null) {
                        String cont = line.substring(1);
                        value.append('\n').append(cont.equals(".") ? "" : cont);
                    }
                    continue;
                }
                if (name != null) {
                    current.put(name, value.toString());
                    name = null;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String field = line.substring(0, colon);
                if (keep != null && !keep.contains(field.toLowerCase(Locale.ROOT))) {
                    name = null;
                    continue;
                }
                name = field;
                value = new StringBuilder(line.substring(colon + 1).strip());
            }
            if (name != null) {
                current.put(name, value.toString());
            }
            if (!current.isEmpty()) {
                sink.accept(current);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
