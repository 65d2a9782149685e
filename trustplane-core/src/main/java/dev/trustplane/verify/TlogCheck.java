package dev.trustplane.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.CanonicalJson;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.MalformedEvidenceException;
import dev.trustplane.sigstore.Pem;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.TlogEntry;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a Rekor entry offline against a trusted root: the log is trusted at the entry's time,
 * its SET verifies or its inclusion proof leads to the root of a checkpoint signed by the log,
 * and the logged body is about this signature (same hash, signature and certificate or key).
 */
public final class TlogCheck {
    private static final ObjectMapper JSON = Json.mapper();

    /**
     * What the entry must be about. {@code paeSha256Hex}: for a DSSE envelope, the hash of its
     * pre-authentication encoding, which a Rekor v2 hashedrekord entry logs (it is what the
     * signature signs); null otherwise.
     */
    public record Signed(String payloadSha256Hex, List<byte[]> signatures, byte[] verifierDer, String paeSha256Hex) {
        public Signed(String payloadSha256Hex, List<byte[]> signatures, byte[] verifierDer) {
            this(payloadSha256Hex, signatures, verifierDer, null);
        }

        Signed withVerifier(byte[] der) {
            return new Signed(payloadSha256Hex, signatures, der, paeSha256Hex);
        }
    }

    private TlogCheck() {
    }

    /** Null when the entry checks out, else why not; a signed entry timestamp alone may be enough. */
    static String verify(TlogEntry e, TrustedRoot root, Signed signed) {
        return verify(e, root, signed, false);
    }

    /**
     * Null when the entry checks out, else why not. With {@code proofRequired} (bundles v0.2 and
     * later) the entry must carry an inclusion proof with a checkpoint signed by its log.
     */
    static String verify(TlogEntry e, TrustedRoot root, Signed signed, boolean proofRequired) {
        var log = root.tlog(e.logId());
        if (log.isEmpty()) {
            return "the entry is in a transparency log that is not in the trusted root (log id "
                    + HexFormat.of().formatHex(e.logId()) + ")";
        }
        if (e.rekorV2()) {
            // the log's validity is checked at the RFC 3161 timestamp's time by the caller
            if (e.proof() == null) {
                return "the Rekor v2 entry has no inclusion proof (it has no signed entry timestamp either)";
            }
        } else {
            Instant time = Instant.ofEpochSecond(e.integratedTime());
            if (!log.get().validAt(time)) {
                return "the transparency log's key was not valid at the entry's time " + time;
            }
        }
        if (proofRequired && e.proof() == null) {
            return "the entry has no inclusion proof: bundles v0.2 and later must prove inclusion with a proof and a"
                    + " signed checkpoint; a signed entry timestamp alone is not enough";
        }
        boolean promised = false;
        if (e.set() != null) {
            if (!SignatureAlgorithms.verify(log.get().key(), setPayload(e), e.set())) {
                return "the signed entry timestamp (SET) does not verify with the log's key";
            }
            promised = true;
        }
        if (e.proof() != null) {
            String why = inclusion(e, log.get());
            if (why != null) {
                return why;
            }
        } else if (!promised) {
            return "the entry has neither a signed entry timestamp nor an inclusion proof";
        }
        return body(e.body(), signed);
    }

    static byte[] setPayload(TlogEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("body", Base64.getEncoder().encodeToString(e.body()));
        n.put("integratedTime", e.integratedTime());
        n.put("logID", HexFormat.of().formatHex(e.logId()));
        n.put("logIndex", e.logIndex());
        return CanonicalJson.of(n);
    }

    /** RFC 9162 §2.1.3.2: the audit path from the leaf hash must give the proof's root, signed in the checkpoint. */
    static String inclusion(TlogEntry e, TrustedRoot.Log log) {
        TlogEntry.Proof p = e.proof();
        if (p.index() < 0 || p.treeSize() <= p.index()) {
            return "the inclusion proof's index " + p.index() + " is outside its tree of " + p.treeSize();
        }
        byte[] r = sha256((byte) 0, e.body());
        long fn = p.index();
        long sn = p.treeSize() - 1;
        for (byte[] h : p.hashes()) {
            if (sn == 0) {
                return "the inclusion proof has more hashes than its tree needs";
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = sha256((byte) 1, h, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = sha256((byte) 1, r, h);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0 || !Arrays.equals(r, p.rootHash())) {
            return "the inclusion proof does not lead to the root hash it names";
        }
        if (p.checkpoint() == null) {
            return "the inclusion proof has no checkpoint";
        }
        return checkpoint(p, log);
    }

    /** A signed note: "origin\nsize\nroot\n…\n" + "\n" + "— name base64(keyhint || signature)\n". */
    private static String checkpoint(TlogEntry.Proof p, TrustedRoot.Log log) {
        String text = p.checkpoint();
        int split = text.indexOf("\n\n");
        if (split < 0) {
            return "the checkpoint is not a signed note";
        }
        String note = text.substring(0, split + 1);
        String[] lines = note.split("\n");
        if (lines.length < 3) {
            return "the checkpoint note is too short";
        }
        try {
            if (Long.parseLong(lines[1]) != p.treeSize()
                    || !Arrays.equals(Base64.getDecoder().decode(lines[2]), p.rootHash())) {
                return "the checkpoint is for another tree than the inclusion proof";
            }
        } catch (IllegalArgumentException e) {
            return "the checkpoint's size or root hash cannot be read";
        }
        if (lines[0].isEmpty()) {
            return "the checkpoint has no origin line";
        }
        byte[] signedNote = note.getBytes(StandardCharsets.UTF_8);
        // Rekor v1 hints sha256(PKIX key)[:4]; Rekor v2 (signed notes) the log id the trusted root gives
        byte[] hint = Arrays.copyOf(sha256Raw(log.key().getEncoded()), 4);
        byte[] idHint = log.logId().length >= 4 ? Arrays.copyOf(log.logId(), 4) : hint;
        boolean hinted = false;
        for (String line : text.substring(split + 2).split("\n")) {
            if (!line.startsWith("\u2014 ")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            try {
                byte[] sig = Base64.getDecoder().decode(line.substring(space + 1));
                // the key hint (4 bytes) must name the log that provides the entry, as Rekor's signed notes do
                if (sig.length <= 4 || !Arrays.equals(Arrays.copyOf(sig, 4), hint)
                        && !Arrays.equals(Arrays.copyOf(sig, 4), idHint)) {
                    continue;
                }
                hinted = true;
                if (SignatureAlgorithms.verify(log.key(), signedNote, Arrays.copyOfRange(sig, 4, sig.length))) {
                    return null;
                }
            } catch (IllegalArgumentException e) {
                // not a signature line we can read; try the next
            }
        }
        return hinted ? "the checkpoint is not signed by the transparency log's key"
                : "the checkpoint has no signature whose key hint names the log that provides the entry (key hint "
                + HexFormat.of().formatHex(hint) + ")";
    }

    /** The logged body must be about this signature: hashedrekord, intoto 0.0.2 or dsse 0.0.1. */
    public static String body(byte[] body, Signed signed) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return "the logged entry body is not JSON";
        }
        String kind = root.path("kind").asText("");
        JsonNode spec = root.path("spec");
        if (spec.has("hashedRekordV002") || spec.has("dsseV002")) {
            return bodyV002(kind, spec, signed);
        }
        String hash;
        List<String> sigs;
        List<String> keys;
        switch (kind) {
            case "hashedrekord" -> {
                hash = spec.path("data").path("hash").path("value").asText("");
                sigs = List.of(spec.path("signature").path("content").asText(""));
                keys = List.of(spec.path("signature").path("publicKey").path("content").asText(""));
            }
            case "intoto" -> {
                JsonNode content = spec.path("content");
                hash = content.path("payloadHash").path("value").asText("");
                sigs = new ArrayList<>();
                keys = new ArrayList<>();
                for (JsonNode s : content.path("envelope").path("signatures")) {
                    sigs.add(decodeToText(s.path("sig").asText("")));
                    keys.add(s.path("publicKey").asText(""));
                }
            }
            case "dsse" -> {
                if (spec.has("proposedContent")) {
                    return proposedDsse(spec.path("proposedContent"), signed);
                }
                hash = spec.path("payloadHash").path("value").asText("");
                sigs = new ArrayList<>();
                keys = new ArrayList<>();
                for (JsonNode s : spec.path("signatures")) {
                    sigs.add(s.path("signature").asText(""));
                    keys.add(s.path("verifier").asText(""));
                }
            }
            default -> {
                return "the logged entry is of kind \"" + kind + "\", not hashedrekord, intoto or dsse";
            }
        }
        if (!hash.equalsIgnoreCase(signed.payloadSha256Hex())) {
            return "the logged entry is for content with hash " + hash + ", not this one";
        }
        for (int i = 0; i < sigs.size(); i++) {
            byte[] sig = decode(sigs.get(i));
            if (sig != null && signed.signatures().stream().anyMatch(s -> Arrays.equals(s, sig))
                    && i < keys.size() && sameVerifier(keys.get(i), signed.verifierDer())) {
                return null;
            }
        }
        return "the logged entry holds another signature or another signer than this one";
    }

    /**
     * Rekor v2 bodies: {@code hashedrekord} 0.0.2 (the digest signed — for a DSSE envelope, its
     * pre-authentication encoding's) and {@code dsse} 0.0.2 (the payload's hash), each with the
     * signature and its verifier (certificate or public key, DER).
     */
    private static String bodyV002(String kind, JsonNode spec, Signed signed) {
        String digest;
        List<JsonNode> sigs = new ArrayList<>();
        boolean hashOk;
        switch (kind) {
            case "hashedrekord" -> {
                JsonNode h = spec.path("hashedRekordV002");
                if (!"SHA2_256".equals(h.path("data").path("algorithm").asText(""))) {
                    return "the logged entry's digest is not SHA2_256";
                }
                digest = hex(h.path("data").path("digest").asText(""));
                hashOk = digest != null && (digest.equalsIgnoreCase(signed.payloadSha256Hex())
                        || signed.paeSha256Hex() != null && digest.equalsIgnoreCase(signed.paeSha256Hex()));
                sigs.add(h.path("signature"));
            }
            case "dsse" -> {
                JsonNode d = spec.path("dsseV002");
                if (!"SHA2_256".equals(d.path("payloadHash").path("algorithm").asText(""))) {
                    return "the logged entry's payload hash is not SHA2_256";
                }
                digest = hex(d.path("payloadHash").path("digest").asText(""));
                hashOk = digest != null && digest.equalsIgnoreCase(signed.payloadSha256Hex());
                d.path("signatures").forEach(sigs::add);
            }
            default -> {
                return "the logged entry is of kind \"" + kind + "\" 0.0.2, not hashedrekord or dsse";
            }
        }
        if (!hashOk) {
            return "the logged entry is for content with hash " + digest + ", not this one";
        }
        for (JsonNode s : sigs) {
            byte[] sig = decode(s.path("content").asText(""));
            JsonNode verifier = s.path("verifier");
            byte[] der = decode(verifier.has("x509Certificate") ? verifier.path("x509Certificate").path("rawBytes")
                    .asText("") : verifier.path("publicKey").path("rawBytes").asText(""));
            if (sig != null && der != null && signed.signatures().stream().anyMatch(x -> Arrays.equals(x, sig))
                    && signed.verifierDer() != null && Arrays.equals(der, signed.verifierDer())) {
                return null;
            }
        }
        return "the logged entry holds another signature or another signer than this one";
    }

    private static String hex(String base64) {
        byte[] raw = decode(base64);
        return raw == null ? null : HexFormat.of().formatHex(raw);
    }

    /** A dsse entry as the client proposed it (a log that stores proposals verbatim): the envelope itself. */
    private static String proposedDsse(JsonNode proposed, Signed signed) {
        Dsse env;
        try {
            env = Dsse.parse(proposed.path("envelope").asText("").getBytes(StandardCharsets.UTF_8));
        } catch (MalformedEvidenceException e) {
            return "the logged dsse entry's envelope cannot be read";
        }
        if (!EvidenceChecks.sha256Hex(env.payload()).equalsIgnoreCase(signed.payloadSha256Hex())) {
            return "the logged entry is for another payload than this one";
        }
        boolean sameSig = env.signatures().stream().anyMatch(s -> signed.signatures().stream()
                .anyMatch(x -> Arrays.equals(x, s.sig())));
        boolean sameKey = false;
        for (JsonNode v : proposed.path("verifiers")) {
            sameKey |= sameVerifier(v.asText(""), signed.verifierDer());
        }
        return sameSig && sameKey ? null : "the logged entry holds another signature or another signer than this one";
    }

    private static boolean sameVerifier(String base64Pem, byte[] der) {
        byte[] pem = decode(base64Pem);
        if (pem == null) {
            return false;
        }
        try {
            List<Pem.Block> blocks = Pem.decode(new String(pem, StandardCharsets.UTF_8), "tlog entry");
            return !blocks.isEmpty() && Arrays.equals(blocks.get(0).der(), der);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String decodeToText(String b64) {
        byte[] once = decode(b64);
        return once == null ? "" : new String(once, StandardCharsets.US_ASCII);
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static byte[] verifierDer(X509Certificate leaf) {
        try {
            return leaf.getEncoded();
        } catch (CertificateEncodingException e) {
            return new byte[0];
        }
    }

    static byte[] sha256(byte prefix, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(prefix);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256Raw(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
