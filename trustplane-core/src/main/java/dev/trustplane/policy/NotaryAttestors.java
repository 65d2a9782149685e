package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.CanonicalJson;
import dev.trustplane.sigstore.Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attestor entries of a {@code type: Notary} verifyImages entry: {@code certificates.cert}
 * (and {@code certChain}) form the trust store Notary Project signatures must chain to, as in
 * Kyverno's Notary verifier. A cert read from the context ({@code {{ keys.data.certificate }}}) is
 * a template, read with each request's context.
 */
final class NotaryAttestors {
    private NotaryAttestors() {
    }

    /** @param resolver null when the entry is already substituted (templates not allowed) */
    static Attestor read(PolicyDocument d, JsonNode node, String path, AttestorReader.Resolver resolver) {
        d.fields(node, path, Set.of("certificates"), Map.of(
                "keys", "keys for Notary signatures; Notary signatures verify with certificates (certificates.cert)",
                "keyless", "keyless Notary signatures; Notary signatures verify with certificates (certificates.cert)",
                "attestor", "nested attestor sets"));
        JsonNode c = node.get("certificates");
        if (c == null) {
            if (!node.has("keys") && !node.has("keyless") && !node.has("attestor")) {
                d.error(path, "needs certificates (cert, certChain): the trust store Notary signatures chain to");
            }
            return null;
        }
        if (!d.object(c, path + ".certificates")) {
            return null;
        }
        d.fields(c, path + ".certificates", Set.of("cert", "certChain", "rekor", "ctlog"), Map.of());
        String hash = hash(node);
        if (Variables.present(node)) {
            if (resolver == null) {
                d.error(path, "still holds {{ }} after its variables were substituted");
                return null;
            }
            Variables.check(node, path, d);
            return new Attestor(null, "certificates " + path + " (from the context)", hash,
                    new Attestor.Template(node, path, resolver, null, true), null);
        }
        String cert = d.text(c, "cert", path + ".certificates", false);
        String chain = d.text(c, "certChain", path + ".certificates", false);
        if (cert == null && chain == null) {
            d.error(path + ".certificates.cert", "is required: the certificate (a root CA, or the signing"
                    + " certificate itself) Notary signatures must chain to");
            return null;
        }
        List<X509Certificate> trust = new ArrayList<>();
        try {
            if (cert != null) {
                trust.addAll(Keys.readCertificates(cert, path + ".certificates.cert"));
            }
            if (chain != null) {
                trust.addAll(Keys.readCertificates(chain, path + ".certificates.certChain"));
            }
        } catch (TrustplaneException e) {
            d.error(path + ".certificates", e.getMessage());
            return null;
        }
        return new Attestor(null, "certificate " + trust.get(0).getSubjectX500Principal().getName(), hash, null, trust);
    }

    private static String hash(JsonNode node) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    ("notary:" + new String(CanonicalJson.of(node), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
