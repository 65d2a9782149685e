package dev.trustplane.sign;

import java.util.Objects;

/** One verification stage's outcome: the stage ("signature", "subject", "tlog", …), its status and why. */
public record Check(String stage, Status status, String detail) {

    public enum Status {
        /** The stage passed. */
        PASS,
        /** The evidence is wrong: it must not be trusted. */
        FAIL,
        /** The stage could not decide (a blob could not be fetched, a check is not available). */
        ERROR,
        /** The stage was not run, on purpose (e.g. --insecure-ignore-tlog). */
        SKIP
    }

    public Check {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    static Check pass(String stage, String detail) {
        return new Check(stage, Status.PASS, detail);
    }

    static Check fail(String stage, String detail) {
        return new Check(stage, Status.FAIL, detail);
    }

    static Check error(String stage, String detail) {
        return new Check(stage, Status.ERROR, detail);
    }

    static Check skip(String stage, String detail) {
        return new Check(stage, Status.SKIP, detail);
    }
}
