package dev.trustplane.oci.registry;

/**
 * Credentials for one registry: user name and password, an identity (refresh) token, or a
 * bearer token used as is. {@link #toString()} never shows a secret.
 */
public record Credentials(String username, String password, String identityToken, String registryToken) {

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null, null);
    }

    public static Credentials identityToken(String username, String token) {
        return new Credentials(username, null, token, null);
    }

    public static Credentials bearer(String token) {
        return new Credentials(null, null, null, token);
    }

    public boolean hasBasic() {
        return username != null && password != null;
    }

    @Override
    public String toString() {
        String kind = registryToken != null ? "bearer token" : identityToken != null ? "identity token" : "password";
        return "Credentials[" + (username == null ? "" : username + ", ") + kind + " redacted]";
    }
}
