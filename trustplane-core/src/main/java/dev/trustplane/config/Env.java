package dev.trustplane.config;

import java.util.Map;
import java.util.Optional;

/**
 * Every environment variable Trustplane reads, registered once with a description and whether it
 * is sensitive. Sensitive values are never logged, printed or put into error messages.
 */
public enum Env {
    TRUSTPLANE_REGISTRY_USERNAME("User name for every registry contacted (overrides the Docker config file)", false),
    TRUSTPLANE_REGISTRY_PASSWORD("Password for TRUSTPLANE_REGISTRY_USERNAME", true),
    TRUSTPLANE_REGISTRY_TOKEN("Bearer token sent to every registry contacted (for registries that hand out tokens"
            + " out of band)", true),
    TRUSTPLANE_INSECURE_REGISTRIES("Comma-separated registries (host[:port]) reached over plain HTTP", false),
    DOCKER_CONFIG("Directory of the Docker client configuration (config.json); default ~/.docker", false),
    REGISTRY_AUTH_FILE("Path of a containers-auth.json file (as podman and skopeo use), read after config.json",
            false),
    TRUSTPLANE_CACHE("Directory of the package, index and unpacked-package caches of the image builder", false),
    XDG_CACHE_HOME("Base cache directory when TRUSTPLANE_CACHE is not set (default ~/.cache)", false),
    TRUSTPLANE_PASSWORD("Password of the encrypted private key for keygen, sign, attest and build --sign", true),
    COSIGN_PASSWORD("Read when TRUSTPLANE_PASSWORD is not set, so keys and scripts made for cosign work as they are",
            true),
    TRUSTPLANE_IDENTITY_TOKEN("OIDC identity token for keyless signing (audience sigstore)", true),
    SIGSTORE_ID_TOKEN("Read when TRUSTPLANE_IDENTITY_TOKEN is not set (the variable cosign and CI actions use)", true),
    TRUSTPLANE_DATA("Directory of Trustplane's state: the embedded SQLite store trustplane.db"
            + " (default $XDG_DATA_HOME/trustplane, else ~/.local/share/trustplane)", false),
    XDG_DATA_HOME("Base data directory when TRUSTPLANE_DATA is not set (default ~/.local/share)", false),
    TRUSTPLANE_STORE_URL("JDBC URL of the state store in cluster mode (jdbc:postgresql://host:5432/db);"
            + " when unset, the embedded SQLite file", false),
    TRUSTPLANE_STORE_USER("User name for TRUSTPLANE_STORE_URL", false),
    TRUSTPLANE_STORE_PASSWORD("Password for TRUSTPLANE_STORE_URL", true);

    private final String description;
    private final boolean sensitive;

    Env(String description, boolean sensitive) {
        this.description = description;
        this.sensitive = sensitive;
    }

    public String description() {
        return description;
    }

    public boolean sensitive() {
        return sensitive;
    }

    public Optional<String> read(Map<String, String> environment) {
        String value = environment.get(name());
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public Optional<String> read() {
        return read(System.getenv());
    }
}
