package dev.trustplane.oci.registry;

import dev.trustplane.error.LimitExceededException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Locale;

/** Bounded reads of response bodies and header helpers. */
final class Bodies {
    private Bodies() {
    }

    /** Reads at most {@code max} bytes; more is a {@link LimitExceededException} naming {@code limit}. */
    static byte[] readBounded(HttpResponse<InputStream> response, long max, String limit, String subject)
            throws IOException {
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > max) {
            RegistryErrors.drain(response);
            throw new LimitExceededException(limit, max, subject + " (" + declared + " bytes)");
        }
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > max) {
                throw new LimitExceededException(limit, max, subject);
            }
            return bytes;
        }
    }

    /** The media type of a Content-Type header without parameters, or null. */
    static String mediaType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type")
                .map(v -> v.contains(";") ? v.substring(0, v.indexOf(';')) : v)
                .map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty() && !v.equals("application/json") && !v.equals("text/plain")
                        && !v.equals("application/octet-stream"))
                .orElse(null);
    }

    /** The URI in a {@code Link: <…>; rel="next"} header, or null. */
    static String nextLink(HttpResponse<?> response) {
        for (String link : response.headers().allValues("Link")) {
            for (String part : link.split(",")) {
                String p = part.trim();
                if (p.startsWith("<") && p.contains(">") && p.replace(" ", "").contains("rel=\"next\"")) {
                    return p.substring(1, p.indexOf('>'));
                }
            }
        }
        return null;
    }
}
