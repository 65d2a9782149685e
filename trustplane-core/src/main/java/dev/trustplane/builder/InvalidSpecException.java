package dev.trustplane.builder;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.List;

/** An image spec with problems; the message lists every one of them. */
public final class InvalidSpecException extends TrustplaneException {
    private final transient List<SpecProblem> problems;

    public InvalidSpecException(String source, List<SpecProblem> problems) {
        super(ErrorKind.INVALID_INPUT, "Image spec " + source + " has " + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + " (see docs/image-spec.md):\n  "
                + String.join("\n  ", problems.stream().map(SpecProblem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }
}
