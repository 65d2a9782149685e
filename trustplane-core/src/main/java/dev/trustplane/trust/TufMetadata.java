package dev.trustplane.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.CanonicalJson;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SignatureAlgorithms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One TUF metadata file (TUF specification 1.0): its {@code signed} part, checked for type,
 * spec version, version and expiry, and its signatures counted against a role's keys and
 * threshold over the canonical JSON of {@code signed} ({@link CanonicalJson#olpc}). Keys: {@code ed25519} (hex), {@code ecdsa}
 * / {@code ecdsa-sha2-nistp256|384} (PEM; DER signatures) and {@code rsa} ({@code rsassa-pss-sha256},
 * PEM). A key of another type is ignored, so it cannot help reach a threshold.
 */
record TufMetadata(String file, String type, long version, Instant expires, JsonNode signed, JsonNode signatures) {
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** A role of the root: its key ids and threshold. */
    record Role(Set<String> keyIds, int threshold) {
    }

    /** Parses {@code bytes} as metadata of {@code type}; the errors name {@code file}. */
    static TufMetadata parse(byte[] bytes, String type, String file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw invalid(file, "is not JSON");
        }
        if (root == null || !root.path("signed").isObject() || !root.path("signatures").isArray()) {
            throw invalid(file, "is not TUF metadata (it needs \"signed\" and \"signatures\")");
        }
        JsonNode signed = root.get("signed");
        String actual = signed.path("_type").asText("");
        if (!actual.equals(type)) {
            throw invalid(file, "is of type \"" + actual + "\", not " + type);
        }
        String spec = signed.path("spec_version").asText("");
        if (!spec.matches("1\\.[0-9]+(\\.[0-9]+)?")) {
            throw invalid(file, "has spec_version \"" + spec + "\"; this client reads TUF 1.x");
        }
        if (!signed.path("version").canConvertToLong() || signed.path("version").asLong() < 1) {
            throw invalid(file, "has no positive version");
        }
        Instant expires;
        try {
            expires = Instant.parse(signed.path("expires").asText(""));
        } catch (DateTimeParseException e) {
            throw invalid(file, "has no RFC 3339 expires");
        }
        return new TufMetadata(file, type, signed.get("version").asLong(), expires, signed, root.get("signatures"));
    }

    /** The root's keys by id (keys of unknown types left out). */
    Map<String, PublicKey> keys() {
        Map<String, PublicKey> out = new LinkedHashMap<>();
        signed.path("keys").fields().forEachRemaining(e -> {
            PublicKey key = key(e.getValue());
            if (key != null) {
                out.put(e.getKey(), key);
            }
        });
        return out;
    }

    /** A role of this root, or an error naming it. */
    Role role(String name) {
        JsonNode r = signed.path("roles").path(name);
        if (!r.path("keyids").isArray() || !r.path("threshold").canConvertToInt() || r.get("threshold").asInt() < 1) {
            throw invalid(file, "has no usable role \"" + name + "\" (keyids and a threshold of at least 1)");
        }
        Set<String> ids = new HashSet<>();
        r.get("keyids").forEach(id -> ids.add(id.asText()));
        return new Role(ids, r.get("threshold").asInt());
    }

    boolean consistentSnapshot() {
        return signed.path("consistent_snapshot").asBoolean(false);
    }

    /**
     * Throws unless at least {@code role.threshold} distinct keys of {@code role} (from
     * {@code root}'s keys) signed this file. {@code signer} names the role for the message.
     */
    void requireSignedBy(TufMetadata root, String roleName, String signer) {
        Role role = root.role(roleName);
        Map<String, PublicKey> keys = root.keys();
        byte[] canonical;
        try {
            canonical = CanonicalJson.olpc(signed);
        } catch (IllegalArgumentException e) {
            throw invalid(file, "cannot be canonicalised: " + e.getMessage());
        }
        Set<String> counted = new HashSet<>();
        Set<String> materials = new HashSet<>();
        for (JsonNode s : signatures) {
            String id = s.path("keyid").asText("");
            PublicKey key = keys.get(id);
            if (!role.keyIds().contains(id) || key == null || counted.contains(id)) {
                continue;
            }
            byte[] sig;
            try {
                sig = HexFormat.of().parseHex(s.path("sig").asText(""));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (verify(key, canonical, sig) && materials.add(HexFormat.of().formatHex(key.getEncoded()))) {
                counted.add(id);
            }
        }
        if (counted.size() < role.threshold()) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "TUF " + file + " is signed by " + counted.size()
                    + " of the " + role.threshold() + " " + signer + " keys it needs (" + roleName + " role of root v"
                    + root.version() + "); it is not trusted and the trusted root was not changed");
        }
    }

    /** Throws when this metadata expired before {@code now} (a freeze attack, or a stale mirror). */
    void requireUnexpired(Instant now) {
        if (!expires.isAfter(now)) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "TUF " + file + " (version " + version + ") expired at "
                    + expires + "; the mirror is stale or withholding updates — refresh the mirror");
        }
    }

    private static boolean verify(PublicKey key, byte[] data, byte[] sig) {
        try {
            if (SignatureAlgorithms.isEd25519(key)) {
                return SignatureAlgorithms.verifyEd25519(key, data, sig);
            }
            String hash = key instanceof ECPublicKey ec && ec.getParams().getOrder().bitLength() > 256 ? "SHA-384"
                    : "SHA-256";
            return SignatureAlgorithms.verifyDigest(key, hash, MessageDigest.getInstance(hash).digest(data), sig);
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
    }

    private static PublicKey key(JsonNode k) {
        String type = k.path("keytype").asText("");
        String value = k.path("keyval").path("public").asText("");
        try {
            return switch (type) {
                case "ed25519" -> {
                    byte[] raw = HexFormat.of().parseHex(value);
                    if (raw.length != 32) {
                        yield null;
                    }
                    byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
                    System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
                    System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                    yield KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
                }
                case "ecdsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "rsa" ->
                        Keys.readPublic(value.getBytes(StandardCharsets.US_ASCII), "TUF key");
                default -> null;
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    static String sha256Hex(byte[] data) {
        return hex("SHA-256", data);
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static TrustplaneException invalid(String file, String why) {
        return new TrustplaneException(ErrorKind.INTEGRITY, "TUF " + file + " " + why + "; it is not trusted and"
                + " the trusted root was not changed");
    }
}
