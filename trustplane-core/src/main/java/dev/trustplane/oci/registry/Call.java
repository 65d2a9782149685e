package dev.trustplane.oci.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * One registry operation as the user would describe it ("pull manifest 127.0.0.1:5000/app:1"),
 * with the registry, repository and the token scopes it needs.
 */
record Call(String registry, String repository, String operation, List<String> scopes) {

    static Call pull(String registry, String repository, String operation) {
        return new Call(registry, repository, operation, List.of(scope(repository, "pull")));
    }

    static Call push(String registry, String repository, String operation) {
        return new Call(registry, repository, operation, List.of(scope(repository, "pull,push")));
    }

    static Call ping(String registry) {
        return new Call(registry, null, "ping " + registry, List.of());
    }

    static Call delete(String registry, String repository, String operation) {
        return new Call(registry, repository, operation, List.of(scope(repository, "delete")));
    }

    Call plusPull(String otherRepository) {
        List<String> all = new ArrayList<>(scopes);
        all.add(scope(otherRepository, "pull"));
        return new Call(registry, repository, operation, all);
    }

    String scopeKey() {
        return registry + "|" + String.join(" ", scopes);
    }

    private static String scope(String repository, String actions) {
        return "repository:" + repository + ":" + actions;
    }
}
