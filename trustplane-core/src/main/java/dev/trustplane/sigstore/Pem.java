package dev.trustplane.sigstore;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM blocks (RFC 7468): {@code -----BEGIN TYPE-----}, base64, {@code -----END TYPE-----}. Headers are not supported. */
public final class Pem {

    public record Block(String type, byte[] der) {
    }

    private Pem() {
    }

    public static String encode(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    public static List<Block> decode(String text, String source) {
        List<Block> blocks = new ArrayList<>();
        String type = null;
        StringBuilder body = new StringBuilder();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (type == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
                    type = line.substring(11, line.length() - 5);
                    body.setLength(0);
                }
            } else if (line.equals("-----END " + type + "-----")) {
                try {
                    blocks.add(new Block(type, Base64.getMimeDecoder().decode(body.toString())));
                } catch (IllegalArgumentException e) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + ": the PEM block " + type
                            + " is not valid base64; the file is damaged");
                }
                type = null;
            } else if (line.contains(":")) {
                throw new TrustplaneException(ErrorKind.UNSUPPORTED, source + ": the PEM block " + type
                        + " has headers (legacy OpenSSL encryption); convert it with `openssl pkcs8 -topk8`");
            } else {
                body.append(line);
            }
        }
        if (type != null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + ": the PEM block " + type
                    + " has no END line; the file is truncated");
        }
        return blocks;
    }
}
