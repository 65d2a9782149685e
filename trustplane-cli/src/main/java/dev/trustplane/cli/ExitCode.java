package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;

/** The documented exit codes of every verb (README "Exit codes"). */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "unexpected internal error (a bug: please report it with the output)"),
    USAGE(2, "invalid input: a flag, reference, file or argument is malformed"),
    NOT_FOUND(3, "the image, tag, blob, layout or file does not exist"),
    AUTH(4, "authentication failed or access was denied"),
    UNREACHABLE(5, "a registry or helper could not be reached or did not answer in time"),
    INTEGRITY(6, "content did not match its digest or size; nothing was stored"),
    LIMIT(7, "untrusted input exceeded a limit"),
    UNSUPPORTED(8, "the input uses something Trustplane does not support"),
    REMOTE_ERROR(9, "the registry answered with an error"),
    IO(10, "a local file operation failed"),
    VULNERABLE(11, "scan: a finding at or above --fail-on"),
    UNVERIFIED(12, "verify, verify-attestation: nothing verified against the given keys or identities"),
    POLICY_INVALID(13, "policy lint: a policy has errors (with --strict: or warnings)"),
    DENIED(14, "policy test: an Enforce rule would deny the resource");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    static ExitCode of(ErrorKind kind) {
        return switch (kind) {
            case INVALID_INPUT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case UNAUTHORIZED, DENIED -> AUTH;
            case UNREACHABLE -> UNREACHABLE;
            case INTEGRITY -> INTEGRITY;
            case LIMIT_EXCEEDED -> LIMIT;
            case UNSUPPORTED -> UNSUPPORTED;
            case REMOTE_ERROR -> REMOTE_ERROR;
            case IO -> IO;
        };
    }
}
