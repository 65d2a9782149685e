package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;

/** The output formats verbs accept. */
final class Formats {
    private Formats() {
    }

    static void require(String format) {
        if (!format.equals("text") && !format.equals("json")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unknown --format \"" + format
                    + "\"; use text or json");
        }
    }
}
