package dev.trustplane.cli;

import dev.trustplane.event.Event;
import dev.trustplane.event.EventListener;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.io.PrintWriter;
import java.time.Instant;
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
    private final boolean json;
    private final Map<String, State> tasks = new ConcurrentHashMap<>();
    private long lastDraw;
    private boolean lineOpen;

    ProgressRenderer(PrintWriter err, boolean interactive, boolean verbose) {
        this(err, interactive, verbose, false);
    }

    private ProgressRenderer(PrintWriter err, boolean interactive, boolean verbose, boolean json) {
        this.err = err;
        this.interactive = interactive && !json;
        this.verbose = verbose;
        this.json = json;
    }

    /**
     * For log collectors (serve --log-format json): every message one JSON object per line —
     * {@code time} (RFC 3339, UTC), {@code level}, {@code logger}, {@code msg} — and no progress.
     */
    static ProgressRenderer json(PrintWriter err, boolean verbose) {
        return new ProgressRenderer(err, false, verbose, true);
    }

    /** Writes one message at {@code level}, whatever the verbosity (the caller decided to show it). */
    synchronized void log(Event.Level level, String text) {
        if (json) {
            ObjectNode line = JSON.createObjectNode().put("time", Instant.now().toString())
                    .put("level", level.name().toLowerCase(Locale.ROOT)).put("logger", "trustplane").put("msg", text);
            err.println(line.toString());
        } else {
            clearLine();
            err.println("trustplane: " + (level == Event.Level.INFO ? "" : level.name().toLowerCase(Locale.ROOT) + ": ")
                    + text);
        }
        err.flush();
    }

    private static final ObjectMapper JSON = Json.mapper();

    @Override
    public synchronized void on(Event event) {
        switch (event) {
            case Event.Progress p -> {
                tasks.put(p.task(), new State(p.done(), p.total(), p.finished()));
                if (interactive) {
                    draw(p.finished());
                } else if (verbose && p.finished()) {
                    if (json) {
                        log(Event.Level.DEBUG, "transferred " + p.label() + " (" + Sizes.human(p.done()) + ")");
                    } else {
                        err.println("transferred " + p.label() + " (" + Sizes.human(p.done()) + ")");
                        err.flush();
                    }
                }
            }
            case Event.Message m -> {
                if (m.level() == Event.Level.WARN || (verbose && m.level() != Event.Level.WARN)) {
                    if (json) {
                        log(m.level(), m.text());
                    } else {
                        clearLine();
                        err.println("trustplane: " + m.level().name().toLowerCase(Locale.ROOT) + ": " + m.text());
                        err.flush();
                    }
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
