package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A Rekor entry as a signature carries it: the canonicalized body, integrated time, log index and
 * log id, and a signed entry timestamp (SET) and/or an inclusion proof with its checkpoint.
 * Read from a bundle's {@code tlogEntries} or from cosign's {@code dev.sigstore.cosign/bundle}
 * annotation.
 */
public record TlogEntry(byte[] body, long integratedTime, long logIndex, byte[] logId, byte[] set, Proof proof,
        String kind) {
    private static final ObjectMapper JSON = Json.mapper();

    /**
     * A Rekor v2 entry: no integrated time and no signed entry timestamp, so an inclusion proof
     * with a checkpoint and an RFC 3161 timestamp must stand for them.
     */
    public boolean rekorV2() {
        return integratedTime == 0 && set == null;
    }

    /** An inclusion proof: the leaf index in the tree, the tree size, the root and the audit path. */
    public record Proof(long index, long treeSize, byte[] rootHash, List<byte[]> hashes, String checkpoint) {
    }

    /** From a bundle v0.1–v0.3 {@code tlogEntries} element. */
    public static TlogEntry fromBundle(JsonNode e) throws MalformedEvidenceException {
        byte[] body = Dsse.base64(text(e, "canonicalizedBody"), "tlog entry body");
        byte[] set = e.path("inclusionPromise").has("signedEntryTimestamp")
                ? Dsse.base64(e.path("inclusionPromise").path("signedEntryTimestamp").asText(""), "SET") : null;
        Proof proof = null;
        JsonNode p = e.path("inclusionProof");
        if (p.isObject()) {
            List<byte[]> hashes = new ArrayList<>();
            if (p.path("hashes").size() > 64) {
                throw new MalformedEvidenceException("the inclusion proof has more than 64 hashes");
            }
            for (JsonNode h : p.path("hashes")) {
                hashes.add(Dsse.base64(h.asText(""), "inclusion proof hash"));
            }
            proof = new Proof(zeroOr(p, "logIndex"), number(p, "treeSize"), Dsse.base64(text(p, "rootHash"),
                    "root hash"), hashes, p.path("checkpoint").path("envelope").asText(null));
        }
        // Rekor v2 entries carry no integrated time (0 here): their time comes from an RFC 3161 timestamp
        return new TlogEntry(body, zeroOr(e, "integratedTime"), zeroOr(e, "logIndex"),
                Dsse.base64(e.path("logId").path("keyId").asText(""), "log id"), set, proof,
                e.path("kindVersion").path("kind").asText(""));
    }

    /** From cosign's {@code dev.sigstore.cosign/bundle} annotation: {@code {SignedEntryTimestamp, Payload}}. */
    public static TlogEntry fromCosignAnnotation(String json) throws MalformedEvidenceException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new MalformedEvidenceException("the Rekor bundle annotation is not JSON");
        }
        JsonNode payload = root.path("Payload");
        byte[] logId;
        try {
            logId = HexFormat.of().parseHex(payload.path("logID").asText(""));
        } catch (IllegalArgumentException e) {
            throw new MalformedEvidenceException("the Rekor bundle's logID is not hex");
        }
        return new TlogEntry(Dsse.base64(text(payload, "body"), "tlog entry body"), number(payload, "integratedTime"),
                number(payload, "logIndex"), logId, Dsse.base64(text(root, "SignedEntryTimestamp"), "SET"), null,
                "");
    }

    /** A Rekor v1 API answer ({@code {uuid: {body, integratedTime, logID, logIndex, verification}}}). */
    public static TlogEntry fromRekorResponse(JsonNode answer) throws MalformedEvidenceException {
        if (answer == null || !answer.isObject() || answer.size() != 1) {
            throw new MalformedEvidenceException("the Rekor answer does not hold exactly one entry");
        }
        JsonNode e = answer.elements().next();
        JsonNode v = e.path("verification");
        Proof proof = null;
        JsonNode p = v.path("inclusionProof");
        if (p.isObject()) {
            List<byte[]> hashes = new ArrayList<>();
            for (JsonNode h : p.path("hashes")) {
                hashes.add(hex(h.asText("")));
            }
            proof = new Proof(number(p, "logIndex"), number(p, "treeSize"), hex(text(p, "rootHash")), hashes,
                    p.path("checkpoint").asText(null));
        }
        return new TlogEntry(Dsse.base64(text(e, "body"), "body"), number(e, "integratedTime"), number(e, "logIndex"),
                hex(text(e, "logID")), v.has("signedEntryTimestamp") ? Dsse.base64(v.path("signedEntryTimestamp")
                .asText(""), "SET") : null, proof, "");
    }

    /** The annotation cosign stores beside a keyless signature. */
    public String toCosignAnnotation() {
        ObjectNode root = JSON.createObjectNode();
        root.put("SignedEntryTimestamp", Base64.getEncoder().encodeToString(set));
        ObjectNode payload = root.putObject("Payload");
        payload.put("body", Base64.getEncoder().encodeToString(body));
        payload.put("integratedTime", integratedTime);
        payload.put("logIndex", logIndex);
        payload.put("logID", HexFormat.of().formatHex(logId));
        return root.toString();
    }

    /** A bundle v0.3 {@code tlogEntries} element. */
    public ObjectNode toBundleNode(String kindName, String version) {
        ObjectNode n = JSON.createObjectNode();
        n.put("logIndex", Long.toString(logIndex));
        n.putObject("logId").put("keyId", Base64.getEncoder().encodeToString(logId));
        n.putObject("kindVersion").put("kind", kindName).put("version", version);
        n.put("integratedTime", Long.toString(integratedTime));
        if (set != null) {
            n.putObject("inclusionPromise").put("signedEntryTimestamp", Base64.getEncoder().encodeToString(set));
        }
        if (proof != null) {
            ObjectNode p = n.putObject("inclusionProof");
            p.put("logIndex", Long.toString(proof.index()));
            p.put("rootHash", Base64.getEncoder().encodeToString(proof.rootHash()));
            p.put("treeSize", Long.toString(proof.treeSize()));
            var hashes = p.putArray("hashes");
            proof.hashes().forEach(h -> hashes.add(Base64.getEncoder().encodeToString(h)));
            if (proof.checkpoint() != null) {
                p.putObject("checkpoint").put("envelope", proof.checkpoint());
            }
        }
        n.put("canonicalizedBody", Base64.getEncoder().encodeToString(body));
        return n;
    }

    private static String text(JsonNode n, String field) throws MalformedEvidenceException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedEvidenceException("the tlog entry has no \"" + field + "\"");
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) throws MalformedEvidenceException {
        JsonNode v = n.get(field);
        try {
            if (v != null && v.isIntegralNumber()) {
                return v.asLong();
            }
            if (v != null && v.isTextual()) {
                return Long.parseLong(v.asText());
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new MalformedEvidenceException("the tlog entry has no numeric \"" + field + "\"");
    }

    /** Protobuf JSON leaves out fields whose value is zero (a log index of 0). */
    private static long zeroOr(JsonNode n, String field) throws MalformedEvidenceException {
        return n.has(field) ? number(n, field) : 0;
    }

    private static byte[] hex(String s) throws MalformedEvidenceException {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new MalformedEvidenceException("the Rekor answer has a hash that is not hex");
        }
    }
}
