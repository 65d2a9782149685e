package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Key generation and the key files users meet: cosign's encrypted private key (scrypt + NaCl
 * secretbox, PEM type {@code ENCRYPTED SIGSTORE PRIVATE KEY} or the older {@code ENCRYPTED
 * COSIGN PRIVATE KEY}), PKCS#8 and SEC1 private keys, and SubjectPublicKeyInfo public keys.
 * Errors name the file and the problem, never the key material.
 */
public final class Keys {
    public static final String SIGSTORE_PEM = "ENCRYPTED SIGSTORE PRIVATE KEY";
    public static final String COSIGN_PEM = "ENCRYPTED COSIGN PRIVATE KEY";
    /** Key files are small; anything bigger is not a key. */
    public static final int MAX_KEY_FILE_BYTES = 64 * 1024;

    // cosign's parameters; reading accepts up to these bounds so a crafted file cannot demand gigabytes.
    private static final int SCRYPT_N = 65536;
    private static final int SCRYPT_R = 8;
    private static final int SCRYPT_P = 1;
    private static final int MAX_SCRYPT_N = 1 << 20;
    private static final int MAX_SCRYPT_R = 32;
    private static final int MAX_SCRYPT_P = 16;
    private static final ObjectMapper JSON = Json.mapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Supplies the password of an encrypted key; called only when the key is encrypted. */
    @FunctionalInterface
    public interface Password {
        char[] get(String prompt);
    }

    private Keys() {
    }

    /** A fresh ECDSA P-256 key pair, the algorithm cosign uses. */
    public static SigningKey generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = g.generateKeyPair();
            return new SigningKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ECDSA P-256", e);
        }
    }

    /** The private key encrypted in cosign's format, as PEM ({@code ENCRYPTED SIGSTORE PRIVATE KEY}). */
    public static String encrypt(SigningKey key, char[] password) {
        byte[] salt = new byte[32];
        byte[] nonce = new byte[SecretBox.NONCE_BYTES];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(nonce);
        byte[] secret = derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P);
        byte[] pkcs8 = key.privateKey().getEncoded();
        byte[] box = SecretBox.seal(secret, nonce, pkcs8);
        Arrays.fill(secret, (byte) 0);
        Arrays.fill(pkcs8, (byte) 0);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode kdf = root.putObject("kdf");
        kdf.put("name", "scrypt");
        kdf.putObject("params").put("N", SCRYPT_N).put("r", SCRYPT_R).put("p", SCRYPT_P);
        kdf.put("salt", Base64.getEncoder().encodeToString(salt));
        root.putObject("cipher").put("name", "nacl/secretbox").put("nonce", Base64.getEncoder().encodeToString(nonce));
        root.put("ciphertext", Base64.getEncoder().encodeToString(box));
        try {
            return Pem.encode(SIGSTORE_PEM, JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String publicPem(PublicKey key) {
        return Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    /** cosign's key hint: base64 of the SHA-256 of the SubjectPublicKeyInfo DER. */
    public static String hint(PublicKey key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a private key file: cosign's encrypted format (password asked for), PKCS#8
     * ({@code PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}).
     */
    public static SigningKey readPrivate(byte[] file, String source, Password password) {
        Pem.Block block = single(file, source);
        return switch (block.type()) {
            case SIGSTORE_PEM, COSIGN_PEM -> decrypt(block.der(), source, password);
            case "PRIVATE KEY" -> fromPkcs8(block.der(), source);
            case "EC PRIVATE KEY" -> fromSec1(block.der(), source);
            case "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY" -> throw invalid(source,
                    "is a " + block.type() + ", which Trustplane does not read. Convert it with `openssl pkcs8"
                    + " -topk8 -nocrypt` or make a new pair with `trustplane keygen`");
            default -> throw invalid(source, "holds a PEM block of type " + block.type() + ", not a private key."
                    + " Pass a cosign key (cosign.key), a PKCS#8 or an EC private key");
        };
    }

    /** Reads a public key file: {@code PUBLIC KEY} (ECDSA, RSA or Ed25519). */
    public static PublicKey readPublic(byte[] file, String source) {
        Pem.Block block = single(file, source);
        if (!block.type().equals("PUBLIC KEY")) {
            throw invalid(source, "holds a PEM block of type " + block.type() + ", not a PUBLIC KEY."
                    + " Pass the public half (cosign.pub), e.g. from `trustplane keygen`");
        }
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(block.der()));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw invalid(source, "holds a public key that is not ECDSA, RSA or Ed25519, or is damaged");
    }

    /**
     * Every {@code PUBLIC KEY} block in {@code pem} (Kyverno's {@code publicKeys} may hold several);
     * any other block type, or none, is an error naming {@code source}.
     */
    public static List<PublicKey> readPublicKeys(String pem, String source) {
        if (pem.length() > MAX_KEY_FILE_BYTES) {
            throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, source + " has " + pem.length()
                    + " characters of keys, more than the " + MAX_KEY_FILE_BYTES + " accepted");
        }
        List<Pem.Block> blocks = Pem.decode(pem, source);
        if (blocks.isEmpty()) {
            throw invalid(source, "has no PEM block (-----BEGIN PUBLIC KEY-----)");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (Pem.Block block : blocks) {
            keys.add(readPublic(Pem.encode(block.type(), block.der()).getBytes(StandardCharsets.US_ASCII), source));
        }
        return keys;
    }

    /** Every {@code CERTIFICATE} block in {@code pem} (a root or a chain); errors name {@code source}. */
    public static List<X509Certificate> readCertificates(String pem, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Pem.Block block : Pem.decode(pem, source)) {
            if (!block.type().equals("CERTIFICATE")) {
                throw invalid(source, "holds a PEM block of type " + block.type() + ", not a CERTIFICATE");
            }
            certificates.add(TrustedRoot.certificate(block.der(), source, "certificate " + (certificates.size() + 1)));
        }
        if (certificates.isEmpty()) {
            throw invalid(source, "has no PEM block (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    private static Pem.Block single(byte[] file, String source) {
        if (file.length > MAX_KEY_FILE_BYTES) {
            throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Key file " + source + " has " + file.length
                    + " bytes, more than the " + MAX_KEY_FILE_BYTES + " a key file can have; pass the key itself");
        }
        List<Pem.Block> blocks = Pem.decode(new String(file, StandardCharsets.US_ASCII), source);
        if (blocks.isEmpty()) {
            throw invalid(source, "has no PEM block (-----BEGIN …-----); pass a PEM key file");
        }
        return blocks.get(0);
    }

    private static SigningKey decrypt(byte[] json, String source, Password password) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw invalid(source, "is an encrypted cosign key whose content is not JSON; the file is damaged");
        }
        String kdf = root.path("kdf").path("name").asText();
        String cipher = root.path("cipher").path("name").asText();
        if (!kdf.equals("scrypt") || !cipher.equals("nacl/secretbox")) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Key file " + source + " is encrypted with "
                    + kdf + "/" + cipher + "; Trustplane reads cosign keys encrypted with scrypt/nacl/secretbox");
        }
        JsonNode params = root.path("kdf").path("params");
        int n = params.path("N").asInt(-1);
        int r = params.path("r").asInt(-1);
        int p = params.path("p").asInt(-1);
        if (n < 2 || Integer.bitCount(n) != 1 || n > MAX_SCRYPT_N || r < 1 || r > MAX_SCRYPT_R || p < 1
                || p > MAX_SCRYPT_P) {
            throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Key file " + source + " asks for scrypt"
                    + " parameters N=" + n + " r=" + r + " p=" + p + "; Trustplane accepts N a power of two up to "
                    + MAX_SCRYPT_N + ", r up to " + MAX_SCRYPT_R + " and p up to " + MAX_SCRYPT_P);
        }
        byte[] salt = base64(root.path("kdf").path("salt").asText(), source, "salt");
        byte[] nonce = base64(root.path("cipher").path("nonce").asText(), source, "nonce");
        byte[] box = base64(root.path("ciphertext").asText(), source, "ciphertext");
        if (nonce.length != SecretBox.NONCE_BYTES) {
            throw invalid(source, "has a " + nonce.length + "-byte nonce; secretbox needs 24");
        }
        char[] pw = password.get("Enter password for private key " + source + ": ");
        byte[] secret = derive(pw == null ? new char[0] : pw, salt, n, r, p);
        if (pw != null) {
            Arrays.fill(pw, '\0');
        }
        byte[] pkcs8 = SecretBox.open(secret, nonce, box);
        Arrays.fill(secret, (byte) 0);
        if (pkcs8 == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Could not decrypt private key " + source
                    + ": wrong password (set TRUSTPLANE_PASSWORD or COSIGN_PASSWORD, or type it at the prompt)");
        }
        try {
            return fromPkcs8(pkcs8, source);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static SigningKey fromPkcs8(byte[] der, String source) {
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                return new SigningKey(key, publicOf(key, der, source));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw invalid(source, "holds a PKCS#8 private key that is not ECDSA, RSA or Ed25519, or is damaged");
    }

    private static SigningKey fromSec1(byte[] der, String source) {
        try {
            var sec1 = BouncyCastle.sec1(ASN1Primitive.fromByteArray(der));
            if (sec1 == null) {
                throw invalid(source, "holds an empty EC PRIVATE KEY block");
            }
            if (sec1.getParametersObject() == null) {
                throw invalid(source, "is an EC private key without its curve; export it with the curve named");
            }
            PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                    sec1.getParametersObject()), sec1);
            return fromPkcs8(info.getEncoded(), source);
        } catch (TrustplaneException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle's ASN.1 getters throw IllegalArgumentException, IllegalStateException or
            // ClassCastException for structures of the wrong shape
            throw invalid(source, "holds an EC PRIVATE KEY block that is not valid SEC1 DER");
        }
    }

    /** The public half: computed for EC (Q = dG); taken from the PKCS#8 or factory for others. */
    private static PublicKey publicOf(PrivateKey key, byte[] pkcs8, String source) throws GeneralSecurityException {
        if (key instanceof ECPrivateKey ec) {
            ECParameterSpec spec = ec.getParams();
            PublicKey embedded = embeddedPublic(pkcs8, spec);
            if (embedded != null) {
                return embedded;
            }
            ECPoint w = BouncyCastle.publicPoint(spec, ec.getS());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
        }
        if (key instanceof RSAPrivateCrtKey rsa) {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    rsa.getModulus(), rsa.getPublicExponent()));
        }
        if (key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519")) {
            byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            Ed25519PrivateKeyParameters p =
                    new Ed25519PrivateKeyParameters(seed, 0);
            byte[] spki;
            try {
                spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(
                        EdECObjectIdentifiers.id_Ed25519),
                        p.generatePublicKey().getEncoded()).getEncoded();
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            try {
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException(e);
            }
        }
        throw invalid(source, "holds a " + key.getAlgorithm() + " key whose public half cannot be derived");
    }

    /**
     * The public point a PKCS#8 EC key carries in its SEC1 body (cosign, Go and openssl write it),
     * which spares a scalar multiplication on start-up; null when absent. A file whose point is not
     * d·G only harms its owner: its signatures would not verify with the public key it names.
     */
    private static PublicKey embeddedPublic(byte[] pkcs8, ECParameterSpec spec) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
            var sec1 = BouncyCastle.sec1(info.parsePrivateKey());
            if (sec1.getPublicKey() == null) {
                return null;
            }
            byte[] point = sec1.getPublicKey().getOctets();
            int len = (spec.getCurve().getField().getFieldSize() + 7) / 8;
            if (point.length != 1 + 2 * len || point[0] != 4) {
                return null;
            }
            ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + len)),
                    new BigInteger(1, Arrays.copyOfRange(point, 1 + len, point.length)));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int n, int r, int p) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] pw = Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit());
        Arrays.fill(bytes.array(), (byte) 0);
        try {
            return SCrypt.generate(pw, salt, n, r, p, SecretBox.KEY_BYTES);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    private static byte[] base64(String text, String source, String field) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw invalid(source, "has a " + field + " that is not base64; the file is damaged");
        }
    }

    public static boolean sameKey(PublicKey a, PublicKey b) {
        return MessageDigest.isEqual(a.getEncoded(), b.getEncoded());
    }

    private static TrustplaneException invalid(String source, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "Key file " + source + " " + why);
    }
}
