package dev.trustplane.error;

/**
 * What kind of failure a {@link TrustplaneException} reports. Front ends map each kind to one
 * documented exit code; the kind never depends on the wording of the message.
 */
public enum ErrorKind {
    /** The user's input (a reference, a flag, a file) is malformed. */
    INVALID_INPUT,
    /** The named object (image, tag, blob, layout, file) does not exist. */
    NOT_FOUND,
    /** Credentials are missing or were rejected (HTTP 401). */
    UNAUTHORIZED,
    /** Credentials were accepted but do not grant the operation (HTTP 403). */
    DENIED,
    /** The remote end could not be reached or did not answer in time. */
    UNREACHABLE,
    /** Content did not match its digest or size: it was refused and not stored. */
    INTEGRITY,
    /** Untrusted input exceeded a configured limit. */
    LIMIT_EXCEEDED,
    /** The input is well formed but uses something Trustplane does not support. */
    UNSUPPORTED,
    /** The remote end answered with an error Trustplane cannot attribute to the user. */
    REMOTE_ERROR,
    /** A local file-system operation failed. */
    IO
}
