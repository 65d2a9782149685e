package dev.trustplane.error;

import java.util.Objects;

/**
 * The one exception type the library throws for failures a user can act on. The message names
 * the object, the problem and the way out; {@link #kind()} drives the exit code.
 */
public class TrustplaneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    public TrustplaneException(ErrorKind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public TrustplaneException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public ErrorKind kind() {
        return kind;
    }
}
