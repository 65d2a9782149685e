package dev.trustplane.event;

/** Receives events from the library. Implementations must be thread-safe: transfers run in parallel. */
@FunctionalInterface
public interface EventListener {
    EventListener NONE = event -> { };

    void on(Event event);

    default void info(String text) {
        on(new Event.Message(Event.Level.INFO, text));
    }

    default void warn(String text) {
        on(new Event.Message(Event.Level.WARN, text));
    }

    default void debug(String text) {
        on(new Event.Message(Event.Level.DEBUG, text));
    }
}
