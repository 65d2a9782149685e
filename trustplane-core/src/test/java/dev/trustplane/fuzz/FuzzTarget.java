package dev.trustplane.fuzz;

import java.util.List;

/**
 * A parser of untrusted input under coverage-guided fuzzing. Each target is a class with Jazzer's
 * {@code public static void fuzzerTestOneInput(byte[])}, which throws only when the parser broke
 * its contract: an exception other than the documented refusal, an accepted input it must refuse,
 * or a result that changes when parsed again. {@code seeds} starts the corpus from the project's
 * fixtures (real material where the project has it).
 *
 * @param name the short name used by {@code bench/fuzz} and in the regression directory
 * @param target the class holding {@code fuzzerTestOneInput}
 * @param maxLength the largest input libFuzzer generates for it, in bytes
 * @param dictionary tokens of the format that help the fuzzer past its keywords
 * @param jazzerFlags extra Jazzer options (a bug detector that does not apply to this input)
 */
public record FuzzTarget(String name, Class<?> target, int maxLength, List<String> dictionary, Seeds seeds,
        List<String> jazzerFlags) {
    public FuzzTarget(String name, Class<?> target, int maxLength, List<String> dictionary, Seeds seeds) {
        this(name, target, maxLength, dictionary, seeds, List.of());
    }

    /** The seed inputs, read or generated when a run starts. */
    @FunctionalInterface
    public interface Seeds {
        List<byte[]> get() throws Exception;
    }
}
