package dev.trustplane.oci.registry;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;

/**
 * A registry operation failed. The message names the registry, repository, operation, the HTTP
 * status with the registry's error code and message, and the way out.
 */
public final class RegistryException extends TrustplaneException {
    private static final long serialVersionUID = 1L;

    private final String registry;
    private final int status;
    private final String errorCode;

    RegistryException(ErrorKind kind, String registry, int status, String errorCode, String message, Throwable cause) {
        super(kind, message, cause);
        this.registry = registry;
        this.status = status;
        this.errorCode = errorCode;
    }

    public String registry() {
        return registry;
    }

    /** The HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    /** The distribution-spec error code (MANIFEST_UNKNOWN, DENIED, …), or null. */
    public String errorCode() {
        return errorCode;
    }

    /**
     * The registry refused a manifest because a blob or manifest it names looked invalid or
     * missing. The distribution registry's filesystem storage rewrites a blob's repository link in
     * place on every upload of that blob, so this also happens for a moment while another client
     * uploads a blob the manifest names; writing again (after reading again, for a
     * read-modify-write) usually succeeds.
     */
    public boolean refusedReference() {
        return status == 400 && ("DIGEST_INVALID".equals(errorCode) || "MANIFEST_BLOB_UNKNOWN".equals(errorCode));
    }
}
