package dev.trustplane.debian;

import java.util.Objects;

/** Where an index came from: archive base URL, suite and component. */
public record PackageOrigin(String archive, String suite, String component) {
    public PackageOrigin {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(component, "component");
    }

    @Override
    public String toString() {
        return archive + " " + suite + "/" + component;
    }
}
