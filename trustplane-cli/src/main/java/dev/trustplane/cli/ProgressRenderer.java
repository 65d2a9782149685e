package dev.trustplane.cli;

import dev.trustplane.event.Event;
import dev.trustplane.event.EventListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders library events: on a terminal, one self-updating progress line for all transfers;
 * otherwise no progress noise. Warnings always go to standard error; debug messages only with
 * --verbose.
 */
final class ProgressRenderer implements EventListener {
    private record State(long done, long total, boolean finished) {
    }

    private final PrintWriter err;
    private final boolean interactive;
    private final boolean verbose;
    private final Map<String, State> tasks = new ConcurrentHashMap<>();
    private long lastDraw;
    private boolean lineOpen;

    ProgressRenderer(PrintWriter err, boolean interactive, boolean verbose) {
        this.err = err;
        this.interactive = interactive;
        this.verbose = verbose;
    }

    @Override
    public synchronized void on(Event event) {
        switch (event) {
            case Event.Progress p -> {
                tasks.put(p.task(), new State(p.done(), p.total(), p.finished()));
                if (interactive) {
                    draw(p.finished());
                } else if (verbose && p.finished()) {
                    err.println("transferred " + p.label() + " (" + Sizes.human(p.done()) + ")");
                    err.flush();
                }
            }
            case Event.Message m -> {
                if (m.level() == Event.Level.WARN || (verbose && m.level() != Event.Level.WARN)) {
                    clearLine();
                    err.println("trustplane: " + m.level().name().toLowerCase(Locale.ROOT) + ": " + m.text());
                    err.flush();
                }
            }
        }
    }

    /** Ends the progress line before the command prints its result. */
    synchronized void finish() {
        if (lineOpen) {
            draw(true);
            err.println();
            err.flush();
            lineOpen = false;
        }
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        long done = 0;
        long total = 0;
        int finished = 0;
        for (State s : tasks.values()) {
            done += s.done();
            total += Math.max(s.total(), 0);
            finished += s.finished() ? 1 : 0;
        }
        int width = 30;
        int filled = total == 0 ? width : (int) Math.min(width, done * width / total);
        String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
        err.print("\r[" + bar + "] " + Sizes.human(done) + " / " + Sizes.human(total) + "  blobs " + finished + "/"
                + tasks.size() + "   ");
        err.flush();
        lineOpen = true;
    }

    private void clearLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }
}
