package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.CanonicalJson;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.verify.CertificateIdentity;
import dev.trustplane.verify.SignedIdentity;
import dev.trustplane.verify.Trust;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code attestors}: each entry becomes a {@code sign.Trust} — keys, or a keyless identity
 * checked against {@code roots} or the default trusted root — with the Rekor and CT logs it
 * names, and a trust hash (entry plus root) that keys the verification cache.
 */
final class AttestorReader {
    private final PolicyDocument d;
    private final TrustedRoot defaultRoot;
    private final String defaultRootHash;

    private final Resolver resolver;
    private final boolean templates;
    private final SignedIdentity signedIdentity;

    AttestorReader(PolicyDocument d, TrustedRoot defaultRoot, String defaultRootHash) {
        this(d, defaultRoot, defaultRootHash, true, null);
    }

    /**
     * With {@code signedIdentity} non-null (the policy's {@code trustplane.dev/signed-identity}),
     * every key and keyless attestor also checks the docker-reference its signatures sign.
     */
    AttestorReader(PolicyDocument d, TrustedRoot defaultRoot, String defaultRootHash, SignedIdentity signedIdentity) {
        this(d, defaultRoot, defaultRootHash, true, signedIdentity);
    }

    private AttestorReader(PolicyDocument d, TrustedRoot defaultRoot, String defaultRootHash, boolean templates,
            SignedIdentity signedIdentity) {
        this.d = d;
        this.defaultRoot = defaultRoot;
        this.defaultRootHash = defaultRootHash;
        this.templates = templates;
        this.signedIdentity = signedIdentity;
        this.resolver = templates ? new Resolver(defaultRoot, defaultRootHash, signedIdentity) : null;
    }

    /**
     * Reads attestor entries whose variables a request's context has substituted, each distinct
     * content once (a bounded cache): the result is an attestor like any other, its trust hash
     * over the substituted entry, so the verification cache tells two keys apart.
     */
    static final class Resolver {
        private static final int MAX_CACHED = 256;
        private final TrustedRoot defaultRoot;
        private final String defaultRootHash;
        private final Map<String, Attestor> cache = new ConcurrentHashMap<>();
        private final SignedIdentity signedIdentity;

        private Resolver(TrustedRoot defaultRoot, String defaultRootHash, SignedIdentity signedIdentity) {
            this.defaultRoot = defaultRoot;
            this.defaultRootHash = defaultRootHash;
            this.signedIdentity = signedIdentity;
        }

        /**
         * The attestor {@code t} names in {@code context} (its Secret read from {@code source});
         * throws naming the field when it cannot be read.
         */
        Attestor resolve(Attestor.Template t, JsonNode context, ContextSource source) {
            JsonNode concrete = Variables.substitute(t.node(), context, t.path());
            if (t.secret() != null) {
                ObjectNode keys = (ObjectNode) concrete.get("keys");
                keys.remove("secret");
                keys.put("publicKeys", t.secret().publicKey(source));
            }
            String key = new String(CanonicalJson.of(concrete), StandardCharsets.UTF_8);
            Attestor hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
            List<PolicyProblem> problems = new ArrayList<>();
            PolicyDocument doc = new PolicyDocument("the rule's context", problems);
            Attestor a = new AttestorReader(doc, defaultRoot, defaultRootHash, false, signedIdentity).attestor(concrete,
                    t.path(),
                    t.notary());
            if (a == null || doc.failed()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "the attestor read from the context is not"
                        + " usable: " + String.join("; ", problems.stream()
                        .filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                        .map(p -> p.path() + ": " + p.message()).toList()));
            }
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, a);
            return a;
        }
    }

    /**
     * The Secret a {@code keys} entry names: {@code secret: {name, namespace}} or {@code publicKeys:
     * k8s://NAMESPACE/NAME}; null when it names none. Problems are reported.
     */
    private Attestor.SecretRef secretRef(JsonNode keys, String path) {
        if (keys == null || !keys.isObject()) {
            return null;
        }
        JsonNode secret = keys.get("secret");
        String pem = keys.path("publicKeys").asText("");
        if (secret != null) {
            if (!d.object(secret, path + ".secret")) {
                return null;
            }
            d.fields(secret, path + ".secret", Set.of("name", "namespace"), Map.of());
            String name = d.text(secret, "name", path + ".secret", true);
            String namespace = d.text(secret, "namespace", path + ".secret", true);
            if (!pem.isEmpty()) {
                d.error(path, "has both publicKeys and secret; keep one");
            }
            return name == null || namespace == null ? null : new Attestor.SecretRef(namespace, name);
        }
        if (pem.startsWith("k8s://")) {
            String[] parts = pem.substring("k8s://".length()).strip().split("/");
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                d.error(path + ".publicKeys", "is \"" + pem + "\"; a Secret is named k8s://NAMESPACE/NAME");
                return null;
            }
            return new Attestor.SecretRef(parts[0], parts[1]);
        }
        return null;
    }

    /** The hash of the embedded public-good root, as {@link PolicyLoader} spells a default root's hash. */
    private static final String PUBLIC_GOOD_HASH = Digest.sha256(TrustedRoot.publicGoodBytes()).toString();

    /** Whether the default root is the Sigstore public-good root Trustplane ships (no --trusted-root given). */
    private boolean publicGoodDefault() {
        return PUBLIC_GOOD_HASH.equals(defaultRootHash);
    }

    private void notePublicGood(String path, String what) {
        if (publicGoodDefault()) {
            d.warn(path, what + " with the Sigstore public-good trusted root embedded in Trustplane (taken "
                    + TrustedRoot.PUBLIC_GOOD_TAKEN + "), as Kyverno and cosign do by default; pass --trusted-root for"
                    + " a private Sigstore or a fresher root");
        }
    }

    List<AttestorSet> attestorSets(List<JsonNode> nodes, String path) {
        return attestorSets(nodes, path, false);
    }

    /** @param notary the entries verify Notary Project signatures ({@code type: Notary}): certificates only */
    List<AttestorSet> attestorSets(List<JsonNode> nodes, String path, boolean notary) {
        List<AttestorSet> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode s = nodes.get(i);
            if (!d.object(s, p)) {
                continue;
            }
            d.fields(s, p, Set.of("count", "entries"), Map.of());
            List<Attestor> entries = new ArrayList<>();
            List<JsonNode> es = d.list(s, "entries", p);
            if (es.isEmpty()) {
                d.error(p + ".entries", "is required: at least one keys or keyless entry");
            }
            for (int j = 0; j < es.size(); j++) {
                Attestor a = attestor(es.get(j), p + ".entries[" + j + "]", notary);
                if (a != null) {
                    entries.add(a);
                }
            }
            Integer count = null;
            if (s.has("count")) {
                if (!s.get("count").canConvertToInt() || s.get("count").asInt() < 1) {
                    d.error(p + ".count", "must be a whole number of at least 1");
                } else {
                    count = s.get("count").asInt();
                    if (count > es.size()) {
                        d.error(p + ".count", "is " + count + " but there are only " + es.size()
                                + " entries: the set could never be satisfied");
                    }
                }
            }
            out.add(new AttestorSet(count, entries));
        }
        return out;
    }

    private Attestor attestor(JsonNode node, String path, boolean notary) {
        Attestor a = read(node, path, notary);
        if (a == null || a.trust() == null || signedIdentity == null) {
            return a;
        }
        return new Attestor(a.trust().withSignedIdentity(signedIdentity), a.description() + ", signed identity "
                + signedIdentity.spec(), a.trustHash() + "|signedIdentity:" + signedIdentity.spec(), a.template(), a.notary());
    }

    private Attestor read(JsonNode node, String path, boolean notary) {
        if (!d.object(node, path)) {
            return null;
        }
        if (notary) {
            return NotaryAttestors.read(d, node, path, templates ? resolver : null);
        }
        Map<String, String> unsupported = new LinkedHashMap<>();
        unsupported.put("certificates", "certificate attestors for Cosign signatures (they verify Notary signatures,"
                + " type: Notary); use keys (its public key) or keyless (its identity)");
        unsupported.put("attestor", "nested attestor sets");
        unsupported.put("annotations", "signature annotation claims");
        unsupported.put("repository", "per-entry repositories; set repository on the verifyImages entry");
        unsupported.put("rekor", "rekor here is silently ignored by Kyverno; it belongs under keys: or keyless:");
        unsupported.put("ctlog", "ctlog here is silently ignored by Kyverno; it belongs under keys: or keyless:");
        d.fields(node, path, Set.of("keys", "keyless"), unsupported);
        Attestor.SecretRef secret = secretRef(node.get("keys"), path + ".keys");
        if (secret != null) {
            // read when a request needs it, so a rotated key is in force without a policy change
            d.fields(node.get("keys"), path + ".keys", Set.of("publicKeys", "secret", "signatureAlgorithm", "rekor",
                    "ctlog"), Map.of("kms", "KMS keys; export the public key into publicKeys"));
            Variables.check(node, path, d);
            String hash = sha256(CanonicalJson.of(node), defaultRootHash.getBytes(StandardCharsets.US_ASCII));
            return new Attestor(null, "key in Secret " + secret, hash, new Attestor.Template(node, path, resolver, secret));
        }
        if (Variables.present(node)) {
            if (!templates) {
                d.error(path, "still holds {{ }} after its variables were substituted; a context value may not hold"
                        + " variables of its own");
                return null;
            }
            // a key or identity from the context (a ConfigMap): checked now as far as it can be,
            // read with each request's context
            Variables.check(node, path, d);
            if (node.has("certificates") || node.has("attestor")) {
                return null; // reported above as unsupported
            }
            if (node.has("keys") == node.has("keyless")) {
                d.error(path, "needs keys or keyless (one of them)");
                return null;
            }
            String hash = sha256(CanonicalJson.of(node), defaultRootHash.getBytes(StandardCharsets.US_ASCII));
            return new Attestor(null, "attestor " + path + " (from the context)", hash,
                    new Attestor.Template(node, path, resolver));
        }
        int kinds = (node.has("keys") ? 1 : 0) + (node.has("keyless") ? 1 : 0);
        if (kinds != 1) {
            if (kinds == 0 && !node.has("certificates") && !node.has("attestor")) {
                d.error(path, "needs keys or keyless");
            } else if (kinds == 2) {
                d.error(path, "has both keys and keyless; write them as two entries");
            }
            return null;
        }
        byte[] canonical = CanonicalJson.of(node);
        String hash = sha256(canonical, defaultRootHash.getBytes(StandardCharsets.US_ASCII));
        return node.has("keys") ? keys(node.get("keys"), path + ".keys", hash)
                : keyless(node.get("keyless"), path + ".keyless", hash);
    }

    private Attestor keys(JsonNode node, String path, String hash) {
        if (!d.object(node, path)) {
            return null;
        }
        d.fields(node, path, Set.of("publicKeys", "signatureAlgorithm", "rekor", "ctlog"), Map.of(
                "kms", "KMS keys (no KMS is reachable from Trustplane); export the public key into publicKeys"
                        + " (cosign public-key --key gcpkms://…) or keep it in a Secret (keys.secret)"));
        String pem = d.text(node, "publicKeys", path, !node.has("kms"));
        String algorithm = d.text(node, "signatureAlgorithm", path, false);
        if (algorithm != null && !algorithm.equals("sha256")) {
            d.error(path + ".signatureAlgorithm", "is \"" + algorithm + "\"; Trustplane verifies sha256 signatures");
        }
        if (pem == null) {
            return null;
        }
        if (pem.contains("://")) {
            d.error(path + ".publicKeys", "is a KMS reference (" + pem.substring(0, Math.min(40, pem.length()))
                    + "); no KMS is reachable from Trustplane: paste the public key (cosign public-key --key …), or"
                    + " keep it in a Secret (k8s://NAMESPACE/NAME)");
            return null;
        }
        List<PublicKey> keys;
        try {
            keys = Keys.readPublicKeys(pem, path + ".publicKeys");
        } catch (TrustplaneException e) {
            d.error(path + ".publicKeys", e.getMessage());
            return null;
        }
        Logs logs = logs(node, path);
        if (logs == null) {
            return null;
        }
        if (!logs.ignoreTlog && logs.root == null) {
            d.error(path + ".rekor", "checking the transparency log needs the Rekor public key: set rekor.pubkey,"
                    + " start Trustplane with --trusted-root, or set rekor.ignoreTlog: true to rely on the key alone");
            return null;
        }
        if (!logs.ignoreTlog && !node.path("rekor").has("pubkey")) {
            notePublicGood(path + ".rekor", "requires the signature's entry in the public-good Rekor, checked");
        }
        String description = "key " + keys.stream().map(Keys::hint).map(h -> h.substring(0, Math.min(19, h.length())))
                .reduce((a, b) -> a + "," + b).orElse("");
        return new Attestor(new Trust(keys, List.of(), logs.root, logs.ignoreTlog, true), description, hash);
    }

    private Attestor keyless(JsonNode node, String path, String hash) {
        if (!d.object(node, path)) {
            return null;
        }
        d.fields(node, path, Set.of("subject", "issuer", "subjectRegExp", "issuerRegExp", "roots", "rekor", "ctlog",
                "additionalExtensions"), Map.of());
        String subject = d.text(node, "subject", path, false);
        String issuer = d.text(node, "issuer", path, false);
        Pattern subjectRe = regex(d.text(node, "subjectRegExp", path, false), path + ".subjectRegExp");
        Pattern issuerRe = regex(d.text(node, "issuerRegExp", path, false), path + ".issuerRegExp");
        if (subject == null && subjectRe == null) {
            d.error(path + ".subject", "is required (or subjectRegExp): without it any identity the CA"
                    + " certifies would pass");
        }
        if (issuer == null && issuerRe == null && !node.has("roots")) {
            d.error(path + ".issuer", "is required (or issuerRegExp): without it any OIDC provider would pass"
                    + " (only with your own CA in roots may certificates carry no OIDC issuer)");
        }
        if (subject != null && subjectRe != null) {
            d.error(path, "has both subject and subjectRegExp; keep one");
        }
        if (issuer != null && issuerRe != null) {
            d.error(path, "has both issuer and issuerRegExp; keep one");
        }
        Map<String, String> extensions = new LinkedHashMap<>();
        JsonNode ext = node.get("additionalExtensions");
        if (ext != null && d.object(ext, path + ".additionalExtensions")) {
            Map<String, String> names = Map.of("githubWorkflowTrigger", "github-workflow-trigger",
                    "githubWorkflowSha", "github-workflow-sha", "githubWorkflowName", "github-workflow-name",
                    "githubWorkflowRepository", "github-workflow-repository", "githubWorkflowRef", "github-workflow-ref");
            d.fields(ext, path + ".additionalExtensions", names.keySet(), Map.of());
            ext.fields().forEachRemaining(e -> {
                if (names.containsKey(e.getKey())) {
                    extensions.put(names.get(e.getKey()), e.getValue().asText());
                }
            });
        }
        Logs logs = logs(node, path);
        TrustedRoot root = logs == null ? null : logs.root;
        String roots = d.text(node, "roots", path, false);
        if (roots != null) {
            try {
                List<X509Certificate> certs = Keys.readCertificates(roots, path + ".roots");
                TrustedRoot base = root != null ? root : new TrustedRoot(List.of(), List.of(), List.of());
                root = new TrustedRoot(List.of(new TrustedRoot.Authority(path + ".roots", certs, Instant.EPOCH, null)),
                        base.tlogs(), base.ctlogs(), base.tsas());
            } catch (TrustplaneException e) {
                d.error(path + ".roots", e.getMessage());
                return null;
            }
        } else if (root == null || root.authorities().isEmpty()) {
            d.error(path + ".roots", "no certificate authority to check keyless certificates against: set roots"
                    + " (the Fulcio root PEM) or start Trustplane with --trusted-root");
            return null;
        } else {
            notePublicGood(path, "checks keyless certificates against Fulcio's public-good CA");
        }
        if (logs == null || d.failed()) {
            return null;
        }
        CertificateIdentity identity;
        try {
            identity = new CertificateIdentity(subject, subjectRe, issuer, issuerRe, extensions);
        } catch (IllegalArgumentException | TrustplaneException e) {
            return null;
        }
        return new Attestor(new Trust(List.of(), List.of(identity), root, logs.ignoreTlog, logs.ignoreSct),
                "keyless " + identity, hash);
    }

    private record Logs(TrustedRoot root, boolean ignoreTlog, boolean ignoreSct) {
    }

    /** rekor and ctlog of a keys or keyless entry: which logs, or none. */
    private Logs logs(JsonNode node, String path) {
        boolean ignoreTlog = false;
        boolean ignoreSct = false;
        List<TrustedRoot.Log> tlogs = defaultRoot == null ? List.of() : defaultRoot.tlogs();
        List<TrustedRoot.Log> ctlogs = defaultRoot == null ? List.of() : defaultRoot.ctlogs();
        List<TrustedRoot.Authority> tsas = defaultRoot == null ? List.of() : defaultRoot.tsas();
        JsonNode rekor = node.get("rekor");
        if (rekor != null && d.object(rekor, path + ".rekor")) {
            d.fields(rekor, path + ".rekor", Set.of("url", "pubkey", "ignoreTlog"), Map.of());
            ignoreTlog = Boolean.TRUE.equals(d.bool(rekor, "ignoreTlog", path + ".rekor"));
            String pub = d.text(rekor, "pubkey", path + ".rekor", false);
            if (pub != null) {
                TrustedRoot.Log log = log(pub, d.text(rekor, "url", path + ".rekor", false), path + ".rekor.pubkey");
                if (log == null) {
                    return null;
                }
                tlogs = List.of(log);
            }
        }
        JsonNode ctlog = node.get("ctlog");
        if (ctlog != null && d.object(ctlog, path + ".ctlog")) {
            d.fields(ctlog, path + ".ctlog", Set.of("url", "pubkey", "ignoreSCT", "tsaCertChain"), Map.of());
            ignoreSct = Boolean.TRUE.equals(d.bool(ctlog, "ignoreSCT", path + ".ctlog"));
            String pub = d.text(ctlog, "pubkey", path + ".ctlog", false);
            if (pub != null) {
                TrustedRoot.Log log = log(pub, null, path + ".ctlog.pubkey");
                if (log == null) {
                    return null;
                }
                ctlogs = List.of(log);
            }
            String chain = d.text(ctlog, "tsaCertChain", path + ".ctlog", false);
            if (chain != null) {
                // cosign's --timestamp-certificate-chain: the TSA whose RFC 3161 timestamps are trusted
                try {
                    tsas = List.of(new TrustedRoot.Authority(path + ".ctlog.tsaCertChain",
                            Keys.readCertificates(chain, path + ".ctlog.tsaCertChain"), Instant.EPOCH, null));
                } catch (TrustplaneException e) {
                    d.error(path + ".ctlog.tsaCertChain", e.getMessage());
                    return null;
                }
            }
        }
        if (ignoreTlog && ignoreSct && defaultRoot == null && !node.has("roots")) {
            return new Logs(null, true, true);
        }
        boolean any = !tlogs.isEmpty() || !ctlogs.isEmpty() || !tsas.isEmpty() || defaultRoot != null;
        TrustedRoot root = any ? new TrustedRoot(defaultRoot == null ? List.of() : defaultRoot.authorities(), tlogs,
                ctlogs, tsas) : null;
        if (!ignoreTlog && root != null && root.tlogs().isEmpty()) {
            root = null;
        }
        return new Logs(root, ignoreTlog, ignoreSct);
    }

    private TrustedRoot.Log log(String pem, String url, String path) {
        try {
            List<PublicKey> keys = Keys.readPublicKeys(pem, path);
            PublicKey key = keys.get(0);
            byte[] id = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return new TrustedRoot.Log(url == null ? "" : url, id, key, Instant.EPOCH, null);
        } catch (TrustplaneException e) {
            d.error(path, e.getMessage());
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Pattern regex(String text, String path) {
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            d.error(path, "is not a valid regular expression: " + e.getDescription());
            return null;
        }
    }

private static String sha256(byte[]... parts) {
    try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            md.update(p);
        }
        return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
    }
}
}
