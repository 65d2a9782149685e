package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/** A DSSE envelope (payload type, payload, signatures) and its pre-authentication encoding. */
public record Dsse(String payloadType, byte[] payload, List<Sig> signatures) {
    public static final String IN_TOTO = "application/vnd.in-toto+json";
    static final int MAX_SIGNATURES = 16;
    private static final ObjectMapper JSON = Json.mapper();

    public record Sig(String keyid, byte[] sig) {
    }

    public Dsse {
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(payload, "payload");
        signatures = List.copyOf(signatures);
    }

    /** {@code DSSEv1 SP len(type) SP type SP len(body) SP body}: the bytes each signature covers. */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    public byte[] pae() {
        return pae(payloadType, payload);
    }

    ObjectNode toNode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("payloadType", payloadType);
        root.put("payload", Base64.getEncoder().encodeToString(payload));
        ArrayNode sigs = root.putArray("signatures");
        for (Sig s : signatures) {
            ObjectNode n = sigs.addObject();
            n.put("keyid", s.keyid() == null ? "" : s.keyid());
            n.put("sig", Base64.getEncoder().encodeToString(s.sig()));
        }
        return root;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(toNode());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Dsse parse(byte[] json) throws MalformedEvidenceException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new MalformedEvidenceException("the DSSE envelope is not JSON");
        }
        return fromNode(root);
    }

    static Dsse fromNode(JsonNode root) throws MalformedEvidenceException {
        if (root == null || !root.isObject()) {
            throw new MalformedEvidenceException("the DSSE envelope is not a JSON object");
        }
        String type = textField(root, "payloadType");
        byte[] payload = base64(textField(root, "payload"), "payload");
        JsonNode sigs = root.get("signatures");
        if (sigs == null || !sigs.isArray() || sigs.isEmpty()) {
            throw new MalformedEvidenceException("the DSSE envelope has no signatures");
        }
        if (sigs.size() > MAX_SIGNATURES) {
            throw new MalformedEvidenceException("the DSSE envelope has " + sigs.size() + " signatures, more than "
                    + MAX_SIGNATURES);
        }
        List<Sig> list = new ArrayList<>();
        for (JsonNode s : sigs) {
            list.add(new Sig(s.path("keyid").asText(""), base64(textField(s, "sig"), "signature")));
        }
        return new Dsse(type, payload, list);
    }

    private static String textField(JsonNode node, String field) throws MalformedEvidenceException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedEvidenceException("the DSSE envelope has no text field \"" + field + "\"");
        }
        return v.asText();
    }

    public static byte[] base64(String text, String what) throws MalformedEvidenceException {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            // Go's decoder skips line breaks, so cosign reads signatures wrapped at 76 columns (as
            // containers/image stores them); other characters stay errors
            text = text.replace("\r", "").replace("\n", "");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException e2) {
                throw new MalformedEvidenceException("the " + what + " is not base64");
            }
        }
    }
}
