package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.verify.Trust;
import java.security.cert.X509Certificate;
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
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }
}
