package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An in-toto Statement: subjects (name + digest), a predicate type and the predicate as JSON bytes.
 * Written as Statement v1; v0.1 (what cosign 2 writes) is accepted when reading.
 */
public record Statement(List<Subject> subjects, String predicateType, byte[] predicate) {
    public static final String TYPE_V1 = "https://in-toto.io/Statement/v1";
    public static final String TYPE_V01 = "https://in-toto.io/Statement/v0.1";
    private static final ObjectMapper JSON = Json.mapper();

    public record Subject(String name, Digest digest) {
        public Subject {
            Objects.requireNonNull(digest, "digest");
            name = name == null ? "" : name;
        }
    }

    public Statement {
        subjects = List.copyOf(subjects);
        Objects.requireNonNull(predicateType, "predicateType");
        Objects.requireNonNull(predicate, "predicate");
    }

    /** A statement about one image, the predicate given as JSON (it must be a JSON object). */
    public static Statement about(String name, Digest image, String predicateType, byte[] predicateJson) {
        return new Statement(List.of(new Subject(name, image)), predicateType, predicateJson);
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("_type", TYPE_V1);
        var subs = root.putArray("subject");
        for (Subject s : subjects) {
            ObjectNode n = subs.addObject();
            if (!s.name().isEmpty()) {
                n.put("name", s.name());
            }
            n.putObject("digest").put(s.digest().algorithm().prefix(),
                    s.digest().hex());
        }
        root.put("predicateType", predicateType);
        try {
            root.set("predicate", JSON.readTree(predicate));
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalArgumentException("the predicate is not JSON", e);
        }
    }

    /** True when one subject has {@code digest}. */
    public boolean covers(Digest digest) {
        return subjects.stream().anyMatch(s -> s.digest().equals(digest));
    }

    public static Statement parse(byte[] json) throws MalformedEvidenceException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new MalformedEvidenceException("the in-toto statement is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEvidenceException("the in-toto statement is not a JSON object");
        }
        String type = root.path("_type").asText("");
        if (!type.equals(TYPE_V1) && !type.equals(TYPE_V01)) {
            throw new MalformedEvidenceException("the statement's _type is \"" + type + "\", not in-toto Statement"
                    + " v1 or v0.1");
        }
        JsonNode subs = root.get("subject");
        if (subs == null || !subs.isArray() || subs.isEmpty()) {
            throw new MalformedEvidenceException("the statement has no subject");
        }
        List<Subject> subjects = new ArrayList<>();
        for (JsonNode s : subs) {
            JsonNode digests = s.path("digest");
            for (Digest.Algorithm a : Digest.Algorithm.values()) {
                String hex = digests.path(a.prefix()).asText("");
                if (!hex.isEmpty() && Digest.isDigest(a.prefix() + ":" + hex)) {
                    subjects.add(new Subject(s.path("name").asText(""), Digest.parse(a.prefix() + ":" + hex)));
                }
            }
        }
        String predicateType = root.path("predicateType").asText("");
        if (predicateType.isEmpty()) {
            throw new MalformedEvidenceException("the statement has no predicateType");
        }
        JsonNode predicate = root.get("predicate");
        try {
            return new Statement(subjects, predicateType, predicate == null || predicate.isNull()
                    ? new byte[] {'{', '}'} : JSON.writeValueAsBytes(predicate));
        } catch (IOException e) {
            throw new MalformedEvidenceException("the statement's predicate cannot be read");
        }
    }
}
