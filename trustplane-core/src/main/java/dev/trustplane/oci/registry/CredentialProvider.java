package dev.trustplane.oci.registry;

import java.util.List;
import java.util.Optional;

/** Finds credentials for a registry host ({@code host[:port]}); an empty answer means anonymous. */
@FunctionalInterface
public interface CredentialProvider {
    CredentialProvider ANONYMOUS = registry -> Optional.empty();

    Optional<Credentials> find(String registry);

    /** The first provider that has credentials wins. */
    static CredentialProvider chain(List<CredentialProvider> providers) {
        return registry -> {
            for (CredentialProvider p : providers) {
                Optional<Credentials> found = p.find(registry);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        };
    }

    /** The same credentials for every registry (CLI flags, environment variables). */
    static CredentialProvider fixed(Credentials credentials) {
        return registry -> Optional.of(credentials);
    }
}
