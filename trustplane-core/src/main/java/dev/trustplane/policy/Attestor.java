package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.verify.Trust;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * One attestor entry, turned into the {@link Trust} the verifier checks against — or, when the
 * entry holds {@code {{ }}} variables (a key from a ConfigMap context entry) or names a key in a
 * Secret, a {@link Template} read again with each request's context.
 *
 * @param trust       null for a template
 * @param description what a message shows: the key hint, or the keyless subject and issuer
 * @param trustHash   SHA-256 over the entry's canonical JSON and the trusted root it uses: the cache key part
 * @param template    null for an entry without variables
 * @param notary      for a Notary entry ({@code certificates}), its trust store; else null
 */
record Attestor(Trust trust, String description, String trustHash, Template template, List<X509Certificate> notary) {

    Attestor(Trust trust, String description, String trustHash) {
        this(trust, description, trustHash, null, null);
    }

    Attestor(Trust trust, String description, String trustHash, Template template) {
        this(trust, description, trustHash, template, null);
    }

    /**
     * An attestor entry with variables: {@code node} as written at {@code path}, read with
     * {@code reader} once its variables are substituted.
     */
    record Template(JsonNode node, String path, AttestorReader.Resolver reader, SecretRef secret, boolean notary) {

        Template(JsonNode node, String path, AttestorReader.Resolver reader) {
            this(node, path, reader, null, false);
        }

        Template(JsonNode node, String path, AttestorReader.Resolver reader, SecretRef secret) {
            this(node, path, reader, secret, false);
        }
    }

    /** A public key kept in a Kubernetes Secret, under {@code cosign.pub} (cosign's {@code k8s://NS/NAME}). */
    record SecretRef(String namespace, String name) {
        /** The public key the Secret holds under {@code cosign.pub}, as cosign's {@code k8s://} reads it. */
        String publicKey(ContextSource source) {
            JsonNode secret = source.secret(namespace, name);
            if (secret == null) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "Secret " + this + " does not exist");
            }
            JsonNode data = secret.path("data").get("cosign.pub");
            if (data == null || !data.isTextual()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Secret " + this + " has no cosign.pub key"
                        + " (cosign generate-key-pair k8s://" + this + " writes it there)");
            }
            try {
                return new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Secret " + this + ": cosign.pub is not base64");
            }
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }
}
