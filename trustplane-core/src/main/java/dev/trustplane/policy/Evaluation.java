package dev.trustplane.policy;

import java.util.List;

/**
 * Everything the engine decided for one resource, and the digest pins to apply.
 *
 * @param pins image fields to rewrite to {@code tag@digest} (mutateDigest), by JSON pointer
 */
public record Evaluation(List<Decision> decisions, List<Pin> pins) {

    /** Rewrite the image at {@code pointer} to {@code image} (the same reference, pinned). */
    public record Pin(String pointer, String from, String image) {
    }

    public Evaluation {
        decisions = List.copyOf(decisions);
        pins = List.copyOf(pins);
    }

    public boolean denied() {
        return decisions.stream().anyMatch(Decision::denies);
    }

    public List<Decision> denials() {
        return decisions.stream().filter(Decision::denies).toList();
    }

    public List<Decision> warnings() {
        return decisions.stream().filter(Decision::warns).toList();
    }
}
