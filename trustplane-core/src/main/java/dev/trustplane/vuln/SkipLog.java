package dev.trustplane.vuln;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The records a feed import left out: how many, and the first {@value #KEPT} by name, for the
 * import's output, {@code db status} and scans' warnings.
 */
final class SkipLog implements Consumer<String> {
    /** How many skipped records are kept by name (the rest are counted). */
    static final int KEPT = 10;

    private int count;
    private final List<String> examples = new ArrayList<>();

    @Override
    public void accept(String what) {
        if (count++ < KEPT) {
            examples.add(what);
        }
    }

    int count() {
        return count;
    }

    List<String> examples() {
        return List.copyOf(examples);
    }

    /** " (N skipped, e.g. FIRST)" after {@code what}, or nothing when none was. */
    String summary(String what) {
        return count == 0 ? "" : " " + what + " (" + count + " skipped, e.g. " + examples.get(0) + ")";
    }
}
