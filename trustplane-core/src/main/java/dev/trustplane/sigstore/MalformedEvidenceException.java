package dev.trustplane.sigstore;

/** A signature, envelope, bundle or statement is not well formed; the verifier turns it into a failed check. */
public final class MalformedEvidenceException extends Exception {
    public MalformedEvidenceException(String message) {
        super(message, null, false, false);
    }
}
