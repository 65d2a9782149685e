package dev.trustplane.sign;

/** A signature, envelope, bundle or statement is not well formed; the verifier turns it into a failed check. */
final class MalformedEvidenceException extends Exception {
    MalformedEvidenceException(String message) {
        super(message, null, false, false);
    }
}
