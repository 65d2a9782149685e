package dev.trustplane.policy;

/**
 * One thing wrong with a policy document: where (file and document, policy, field path) and
 * what. An error stops the policy from loading; a warning is a known trap that still loads.
 */
public record PolicyProblem(Severity severity, String source, String policy, String path, String message) {

    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return (severity == Severity.ERROR ? "error" : "warning") + ": " + source
                + (policy == null ? "" : " policy " + policy) + (path == null || path.isEmpty() ? "" : " at " + path)
                + ": " + message;
    }
}
