package dev.trustplane.workload;

/**
 * A Kubernetes object whose container lists cannot be read; {@link #path()} is where in the object
 * (e.g. {@code .spec.containers}), so each front end can say where in its own input that is.
 */
public final class WorkloadException extends RuntimeException {
    private final String path;
    private final String problem;

    public WorkloadException(String path, String problem) {
        super(path + " " + problem);
        this.path = path;
        this.problem = problem;
    }

    /** The dotted path in the object, starting with '.'. */
    public String path() {
        return path;
    }

    /** What is wrong there, e.g. "is not a list". */
    public String problem() {
        return problem;
    }
}
