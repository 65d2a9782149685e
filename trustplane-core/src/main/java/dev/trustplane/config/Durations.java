package dev.trustplane.config;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations as users write them on command lines and in settings: {@code 0s}, {@code 30s}, {@code 10m}, {@code 2h}. */
public final class Durations {
    private Durations() {
    }

    /** Parses {@code 30s}, {@code 10m}, {@code 1h30m}; anything else is an error naming the input and an example. */
    public static Duration parse(String text) {
        try {
            return Duration.parse("PT" + text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Invalid duration \"" + text
                    + "\": use e.g. 0s, 30s, 10m, 2h");
        }
    }
}
