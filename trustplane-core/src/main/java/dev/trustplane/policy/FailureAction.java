package dev.trustplane.policy;

import java.util.Locale;

/** What a failed rule does: Audit reports (a warning), Enforce denies. */
public enum FailureAction {
    AUDIT, ENFORCE;

    /** Kyverno accepts both spellings, {@code Audit}/{@code audit} and {@code Enforce}/{@code enforce}. */
    static FailureAction parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "audit" -> AUDIT;
            case "enforce" -> ENFORCE;
            default -> null;
        };
    }

    public String label() {
        return this == AUDIT ? "Audit" : "Enforce";
    }
}
