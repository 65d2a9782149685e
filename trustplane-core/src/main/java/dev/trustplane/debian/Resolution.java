package dev.trustplane.debian;

import java.util.List;
import java.util.Map;

/**
 * The packages to install, sorted by name, and for each the names of the packages it depends on
 * (the edges that satisfied its Pre-Depends and Depends).
 */
public record Resolution(String architecture, List<BinaryPackage> packages, Map<String, List<String>> dependencies) {
    public Resolution {
        packages = List.copyOf(packages);
        dependencies = Map.copyOf(dependencies);
    }
}
