package dev.trustplane.error;

/** Untrusted input exceeded a named limit; the message names the limit, the value and the input. */
public final class LimitExceededException extends TrustplaneException {
    private static final long serialVersionUID = 1L;

    private final String limit;

    public LimitExceededException(String limit, long maximum, String subject) {
        super(ErrorKind.LIMIT_EXCEEDED,
                subject + " exceeds the limit " + limit + " (" + maximum + ")"
                        + "; refusing to read it. Raise the limit only for a source you trust.");
        this.limit = limit;
    }

    public String limit() {
        return limit;
    }
}
