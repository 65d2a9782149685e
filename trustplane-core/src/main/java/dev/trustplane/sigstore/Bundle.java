package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * A Sigstore bundle (protobuf-specs JSON, media types v0.1–v0.3): the signed content — a DSSE
 * envelope or a message signature — and the verification material (a public-key hint, or a
 * certificate or chain, plus transparency-log entries and timestamps, kept as JSON for the
 * keyless stages).
 */
public record Bundle(String mediaType, Dsse envelope, MessageSignature message, String publicKeyHint,
        List<byte[]> certificates, List<JsonNode> tlogEntries, JsonNode timestamps) {
    public static final String MEDIA_TYPE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
    static final Set<String> MEDIA_TYPES = Set.of(MEDIA_TYPE_V03,
            "application/vnd.dev.sigstore.bundle+json;version=0.1",
            "application/vnd.dev.sigstore.bundle+json;version=0.2",
            "application/vnd.dev.sigstore.bundle+json;version=0.3");
    static final int MAX_TLOG_ENTRIES = 16;
    /** The manifest annotation of a bundle referrer that names the predicate type it carries. */
    public static final String PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";
    private static final ObjectMapper JSON = Json.mapper();

    /** A signature over an artifact's digest (what {@code cosign sign-blob} makes). */
    public record MessageSignature(String algorithm, byte[] digest, byte[] signature) {
    }

    /**
     * Bundles v0.2 and later must prove inclusion (an inclusion proof with a checkpoint) for their
     * log entries; a signed entry timestamp alone is enough only in v0.1.
     */
    public boolean requiresInclusionProof() {
        return !mediaType.endsWith("version=0.1");
    }

    public Bundle {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        tlogEntries = tlogEntries == null ? List.of() : List.copyOf(tlogEntries);
    }

    /** A key-based bundle around a DSSE envelope, as {@code cosign attest --new-bundle-format --key} writes it. */
    public static byte[] keyBased(Dsse envelope, String hint) {
        return keyBased(envelope, hint, null);
    }

    public static byte[] keyBased(Dsse envelope, String hint, byte[] timestamp) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mediaType", MEDIA_TYPE_V03);
        ObjectNode material = root.putObject("verificationMaterial");
        material.putObject("publicKey").put("hint", hint);
        timestamp(material, timestamp);
        root.set("dsseEnvelope", dsseNode(envelope));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A keyless bundle: the Fulcio certificate and the Rekor entry of the envelope. */
    public static byte[] keyless(Dsse envelope, byte[] certificateDer, ObjectNode tlogEntry, byte[] timestamp) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mediaType", MEDIA_TYPE_V03);
        ObjectNode material = root.putObject("verificationMaterial");
        material.putObject("certificate").put("rawBytes", Base64.getEncoder().encodeToString(certificateDer));
        material.putArray("tlogEntries").add(tlogEntry);
        timestamp(material, timestamp);
        root.set("dsseEnvelope", dsseNode(envelope));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void timestamp(ObjectNode material, byte[] timestamp) {
        if (timestamp != null) {
            material.putObject("timestampVerificationData").putArray("rfc3161Timestamps").addObject()
                    .put("signedTimestamp", Base64.getEncoder().encodeToString(timestamp));
        }
    }

    private static ObjectNode dsseNode(Dsse envelope) {
        ObjectNode env = JSON.createObjectNode();
        env.put("payload", Base64.getEncoder().encodeToString(envelope.payload()));
        env.put("payloadType", envelope.payloadType());
        var sigs = env.putArray("signatures");
        for (Dsse.Sig s : envelope.signatures()) {
            sigs.addObject().put("sig", Base64.getEncoder().encodeToString(s.sig()));
        }
        return env;
    }

    public static Bundle parse(byte[] json) throws MalformedEvidenceException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new MalformedEvidenceException("the bundle is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEvidenceException("the bundle is not a JSON object");
        }
        String mediaType = root.path("mediaType").asText("");
        if (!MEDIA_TYPES.contains(mediaType)) {
            throw new MalformedEvidenceException("the bundle's mediaType \"" + mediaType + "\" is not a Sigstore"
                    + " bundle v0.1–v0.3");
        }
        JsonNode material = root.path("verificationMaterial");
        if (!material.isObject()) {
            throw new MalformedEvidenceException("the bundle has no verificationMaterial");
        }
        String hint = material.path("publicKey").path("hint").asText(null);
        List<byte[]> certs = new ArrayList<>();
        JsonNode single = material.path("certificate").path("rawBytes");
        if (single.isTextual()) {
            certs.add(Dsse.base64(single.asText(), "certificate"));
        }
        JsonNode chain = material.path("x509CertificateChain").path("certificates");
        if (chain.isArray()) {
            if (chain.size() > 8) {
                throw new MalformedEvidenceException("the bundle's certificate chain has " + chain.size()
                        + " certificates, more than 8");
            }
            for (JsonNode c : chain) {
                certs.add(Dsse.base64(c.path("rawBytes").asText(""), "certificate"));
            }
        }
        List<JsonNode> tlog = new ArrayList<>();
        JsonNode entries = material.path("tlogEntries");
        if (entries.isArray()) {
            if (entries.size() > MAX_TLOG_ENTRIES) {
                throw new MalformedEvidenceException("the bundle has " + entries.size() + " tlog entries, more than "
                        + MAX_TLOG_ENTRIES);
            }
            entries.forEach(tlog::add);
        }
        JsonNode timestamps = material.get("timestampVerificationData");
        Dsse envelope = null;
        MessageSignature message = null;
        if (root.has("dsseEnvelope")) {
            envelope = Dsse.fromNode(root.get("dsseEnvelope"));
        } else if (root.has("messageSignature")) {
            JsonNode m = root.get("messageSignature");
            message = new MessageSignature(m.path("messageDigest").path("algorithm").asText(""),
                    Dsse.base64(m.path("messageDigest").path("digest").asText(""), "message digest"),
                    Dsse.base64(m.path("signature").asText(""), "signature"));
        } else {
            throw new MalformedEvidenceException("the bundle has neither dsseEnvelope nor messageSignature");
        }
        if (hint == null && certs.isEmpty()) {
            throw new MalformedEvidenceException("the bundle's verificationMaterial has no public key hint and no"
                    + " certificate");
        }
        return new Bundle(mediaType, envelope, message, hint, certs, tlog, timestamps);
    }
}
