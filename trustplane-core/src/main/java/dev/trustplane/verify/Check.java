package dev.trustplane.verify;

import dev.trustplane.error.Outcome;
import java.util.Objects;

/** One verification stage's outcome: the stage ("signature", "subject", "tlog", …), its status and why. */
public record Check(String stage, Outcome status, String detail) {


    public Check {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    static Check pass(String stage, String detail) {
        return new Check(stage, Outcome.PASS, detail);
    }

    static Check fail(String stage, String detail) {
        return new Check(stage, Outcome.FAIL, detail);
    }

    static Check error(String stage, String detail) {
        return new Check(stage, Outcome.ERROR, detail);
    }

    static Check skip(String stage, String detail) {
        return new Check(stage, Outcome.SKIP, detail);
    }
}
