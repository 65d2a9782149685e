package dev.trustplane.admission;

/** A request the webhook cannot read: answered with HTTP 400 and this message, never a 500. */
public final class AdmissionException extends RuntimeException {
    private final int status;

    public AdmissionException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
