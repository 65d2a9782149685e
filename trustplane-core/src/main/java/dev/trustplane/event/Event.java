package dev.trustplane.event;

import java.util.Objects;

/** Something the library reports while it works. The library never prints; front ends render these. */
public sealed interface Event {

    /** Progress of one task (a blob transfer, a step). {@code total} is -1 when unknown. */
    record Progress(String task, String label, long done, long total, boolean finished) implements Event {
        public Progress {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(label, "label");
        }
    }

    /** A human-readable message with a level. Messages never contain secrets. */
    record Message(Level level, String text) implements Event {
        public Message {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(text, "text");
        }
    }

    enum Level { DEBUG, INFO, WARN }
}
