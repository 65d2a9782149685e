package dev.trustplane.config;

import java.util.Map;
import java.util.Optional;

/**
 * Every environment variable Trustplane reads, registered once with a description and whether it
 * is sensitive. Sensitive values are never logged, printed or put into error messages: front ends
 * pass what they print through {@link #redact}. The README's table is {@link #markdownTable()}.
 */
public enum Env {
    TRUSTPLANE_REGISTRY_USERNAME("user name for every registry contacted", false),
    TRUSTPLANE_REGISTRY_PASSWORD("its password", true),
    TRUSTPLANE_REGISTRY_TOKEN("bearer token sent to every registry contacted", true),
    TRUSTPLANE_INSECURE_REGISTRIES("comma-separated registries allowed plain HTTP / unverified TLS", false),
    DOCKER_CONFIG("directory of the Docker config.json", false),
    REGISTRY_AUTH_FILE("a containers auth.json read after config.json", false),
    TRUSTPLANE_CACHE("package and index cache (default `$XDG_CACHE_HOME/trustplane` or `~/.cache/trustplane`)",
            false),
    XDG_CACHE_HOME("base cache directory when `TRUSTPLANE_CACHE` is not set (default `~/.cache`)", false),
    TRUSTPLANE_PASSWORD("password of the encrypted private key (keygen, sign, attest, build --sign)", true),
    COSIGN_PASSWORD("read when `TRUSTPLANE_PASSWORD` is not set", true),
    TRUSTPLANE_IDENTITY_TOKEN("OIDC identity token for keyless signing", true),
    SIGSTORE_ID_TOKEN("read when `TRUSTPLANE_IDENTITY_TOKEN` is not set", true),
    TRUSTPLANE_DATA("state directory: the embedded SQLite store `trustplane.db` (default"
            + " `$XDG_DATA_HOME/trustplane` or `~/.local/share/trustplane`)", false),
    XDG_DATA_HOME("base data directory when `TRUSTPLANE_DATA` is not set (default `~/.local/share`)", false),
    TRUSTPLANE_STORE_URL("PostgreSQL JDBC URL for the state store in cluster mode"
            + " (`jdbc:postgresql://HOST:5432/DB`)", false),
    TRUSTPLANE_STORE_USER("its user", false),
    TRUSTPLANE_STORE_PASSWORD("its password", true),
    TRUSTPLANE_GITHUB_TOKEN("token for a `github:` ticket sink (issues: write)", true),
    TRUSTPLANE_GITHUB_API("GitHub API base URL for `github:` ticket sinks (default `https://api.github.com`;"
            + " GitHub Enterprise: `https://HOST/api/v3`)", false),
    TRUSTPLANE_JIRA_USER("Jira user (e-mail) for a `jira:` ticket sink; without it the token is sent as a bearer"
            + " token (Data Center personal access token)", false),
    TRUSTPLANE_JIRA_TOKEN("Jira API token (with `TRUSTPLANE_JIRA_USER`) or personal access token", true),
    TRUSTPLANE_JIRA_ISSUE_TYPE("issue type of tickets a `jira:` sink creates (default `Bug`)", false),
    JAVA_OPTS("extra JVM options for the launcher (read by `./trustplane`, not by Java code)", false);

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

    /** The README's table of environment variables, generated from this registry (a test keeps them equal). */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| variable | sensitive | meaning |\n|---|---|---|\n");
        for (Env e : values()) {
            sb.append("| `").append(e.name()).append("` | ").append(e.sensitive ? "yes" : "no").append(" | ")
                    .append(e.description).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * {@code text} with the value of every sensitive variable set in {@code environment} replaced by
     * {@code ***}: what front ends pass every log line and error through, so a secret that reached a
     * message (a password echoed by a server, a token in a URL) is never printed.
     */
    public static String redact(String text, Map<String, String> environment) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Env e : values()) {
            if (e.sensitive) {
                String value = environment.get(e.name());
                // very short values would blank out ordinary words; they are not secrets worth the name
                if (value != null && value.length() >= 4) {
                    out = out.replace(value, "***");
                }
            }
        }
        return out;
    }
}
