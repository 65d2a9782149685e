package dev.trustplane.oci;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:hex} as defined by the OCI image spec. Only the registered
 * algorithms sha256 and sha512 are accepted; the hex part is lower case and of the right length.
 */
public record Digest(Algorithm algorithm, String hex) {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    public enum Algorithm {
        SHA256("sha256", "SHA-256", 64),
        SHA512("sha512", "SHA-512", 128);

        private final String prefix;
        private final String jcaName;
        private final int hexLength;

        Algorithm(String prefix, String jcaName, int hexLength) {
            this.prefix = prefix;
            this.jcaName = jcaName;
            this.hexLength = hexLength;
        }

        public String prefix() {
            return prefix;
        }

        public MessageDigest newHasher() {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(jcaName + " is missing from this JDK", e);
            }
        }

        static Algorithm byPrefix(String prefix) {
            for (Algorithm a : values()) {
                if (a.prefix.equals(prefix)) {
                    return a;
                }
            }
            return null;
        }
    }

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != algorithm.hexLength || !HEX.matcher(hex).matches()) {
            throw invalid(algorithm.prefix + ":" + hex, "expected " + algorithm.hexLength
                    + " lower-case hex characters after \"" + algorithm.prefix + ":\"");
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
    public static Digest parse(String text) {
        Objects.requireNonNull(text, "digest");
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw invalid(text, "expected ALGORITHM:HEX, e.g. sha256:<64 hex characters>");
        }
        Algorithm algorithm = Algorithm.byPrefix(text.substring(0, colon));
        if (algorithm == null) {
            throw invalid(text, "unsupported algorithm \"" + text.substring(0, colon)
                    + "\"; supported: sha256, sha512");
        }
        return new Digest(algorithm, text.substring(colon + 1));
    }

    public static boolean isDigest(String text) {
        try {
            parse(text);
            return true;
        } catch (TrustplaneException e) {
            return false;
        }
    }

    public static Digest sha256(byte[] content) {
        return of(Algorithm.SHA256, content);
    }

    public static Digest of(Algorithm algorithm, byte[] content) {
        return fromHash(algorithm, algorithm.newHasher().digest(content));
    }

    public static Digest sha256(String content) {
        return sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    public static Digest fromHash(Algorithm algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    public MessageDigest newHasher() {
        return algorithm.newHasher();
    }

    /** The tag under which the distribution spec's referrers fallback stores an index: {@code sha256-<hex>}. */
    public String referrersTag() {
        return algorithm.prefix + "-" + hex;
    }

    /** A short form for messages: {@code sha256:0123456789ab}. */
    public String shortForm() {
        return algorithm.prefix + ":" + hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm.prefix + ":" + hex;
    }

    private static TrustplaneException invalid(String text, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT,
                "Invalid digest \"" + text + "\": " + why);
    }
}
