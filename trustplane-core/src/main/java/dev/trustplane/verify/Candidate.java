package dev.trustplane.verify;

import java.util.Map;

/** Evidence as found, before any check: where it was and its raw bytes (or why they could not be read). */
public record Candidate(Evidence.Kind kindHint, Evidence.Format format, String location, String predicateTypeHint,
        Content content) {

    public sealed interface Content permits SimpleSig, Envelope, BundleBytes, Unreadable {
    }

    /** A cosign simple-signing layer: the payload and the annotations holding signature and certificate. */
    public record SimpleSig(byte[] payload, Map<String, String> annotations) implements Content {
    }

    /** A bare DSSE envelope (a cosign {@code .att} layer). */
    public record Envelope(byte[] json, Map<String, String> annotations) implements Content {
    }

    public record BundleBytes(byte[] json) implements Content {
    }

    /** The bytes could not be fetched or exceeded a limit. */
    public record Unreadable(String reason) implements Content {
    }
}
