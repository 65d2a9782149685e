package dev.trustplane.oci.registry;

import java.io.IOException;

/** Opens content again for every attempt, so a failed upload can be retried from the start. */
@FunctionalInterface
public interface IoSupplier<T> {
    T get() throws IOException;
}
