package dev.trustplane.oci;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A manifest exactly as stored: the bytes that were hashed, their digest and media type. Never
 * re-serialised: copying a manifest writes these bytes, so its digest never changes.
 */
public record RawManifest(Digest digest, String mediaType, byte[] bytes) {

    public RawManifest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** Wraps bytes with their sha256; a null or blank media type is taken from the content. */
    public static RawManifest of(byte[] bytes, String mediaType) {
        String type = mediaType == null || mediaType.isBlank() ? OciJson.detectMediaType(bytes) : mediaType;
        return new RawManifest(Digest.sha256(bytes), type, bytes.clone());
    }

    /** Wraps bytes that must have {@code expected} as digest; refuses them otherwise. */
    public static RawManifest verified(byte[] bytes, String mediaType, Digest expected, String source) {
        Digest actual = Digest.of(expected.algorithm(), bytes);
        if (!actual.equals(expected)) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Manifest from " + source + " has digest " + actual
                    + " but " + expected + " was expected; refusing it. The source is corrupt or was tampered with.");
        }
        String type = mediaType == null || mediaType.isBlank() ? OciJson.detectMediaType(bytes) : mediaType;
        return new RawManifest(expected, type, bytes.clone());
    }

    public Manifest parse(OciLimits limits, String source) {
        return OciJson.readManifest(bytes, mediaType, limits, source);
    }

    public Manifest parse() {
        return parse(OciLimits.DEFAULT, digest.toString());
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, bytes.length);
    }

    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawManifest other && digest.equals(other.digest) && mediaType.equals(other.mediaType);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "RawManifest[" + mediaType + " " + digest + " " + bytes.length + " bytes]";
    }
}
