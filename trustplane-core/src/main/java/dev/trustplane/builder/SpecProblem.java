package dev.trustplane.builder;

/** One problem in an image spec: where ({@code packages[2]}) and what. */
public record SpecProblem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
