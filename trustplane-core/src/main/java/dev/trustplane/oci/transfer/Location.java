package dev.trustplane.oci.transfer;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an image is, as the CLI writes it: {@code oci:DIR[:TAG]}, {@code oci:DIR@DIGEST}, or a
 * registry reference {@code [docker://]HOST[:PORT]/REPO[:TAG][@DIGEST]}.
 */
public sealed interface Location {

    /** An image in an OCI layout directory; tag and digest may both be null (the layout's only image). */
    record Layout(Path dir, String tag, Digest digest) implements Location {
        @Override
        public String toString() {
            return "oci:" + dir + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
        }
    }

    /** An image in a registry. */
    record Registry(ImageReference reference) implements Location {
        @Override
        public String toString() {
            return reference.toString();
        }
    }

    Set<String> OTHER_TRANSPORTS = Set.of("docker-archive", "oci-archive", "dir", "containers-storage",
            "docker-daemon", "tarball", "sif");
    /** The OCI distribution tag grammar. */
    Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    String SYNTAX = "oci:DIR[:TAG], oci:DIR@DIGEST or [docker://]REGISTRY/REPOSITORY[:TAG][@DIGEST]";

    static Location parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "it is empty");
        }
        if (text.startsWith("oci:")) {
            return parseLayout(text, text.substring(4));
        }
        if (text.startsWith("docker://")) {
            return new Registry(ImageReference.parse(text.substring("docker://".length())));
        }
        Matcher scheme = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://").matcher(text);
        if (scheme.find()) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Unknown transport \"" + scheme.group(1)
                    + "://\" in \"" + text + "\"; use " + SYNTAX);
        }
        Matcher prefix = Pattern.compile("^([a-z][a-z0-9-]*):(.*)$").matcher(text);
        if (prefix.matches()) {
            String name = prefix.group(1);
            String rest = prefix.group(2);
            if (OTHER_TRANSPORTS.contains(name)) {
                throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Transport \"" + name + ":\" in \"" + text
                        + "\" is not supported; use " + SYNTAX + " (skopeo can convert: skopeo copy " + text
                        + " oci:DIR:TAG)");
            }
            if (!name.equals("localhost") && rest.contains("/") && !rest.isEmpty() && !Character.isDigit(rest.charAt(0))) {
                throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Unknown transport \"" + name + ":\" in \""
                        + text + "\"; use " + SYNTAX);
            }
        }
        return new Registry(ImageReference.parse(text));
    }

    private static Location parseLayout(String text, String rest) {
        String dir = rest;
        String tag = null;
        Digest digest = null;
        int at = dir.lastIndexOf('@');
        if (at >= 0 && Digest.isDigest(dir.substring(at + 1))) {
            digest = Digest.parse(dir.substring(at + 1));
            dir = dir.substring(0, at);
        } else if (at >= 0 && dir.substring(at + 1).matches("sha\\d+:.*")) {
            throw invalid(text, "\"" + dir.substring(at + 1) + "\" is not a valid digest");
        }
        int colon = dir.indexOf(':');
        if (colon >= 0) {
            // As containers/image does: the first ':' ends the directory, so no tag becomes a path.
            tag = dir.substring(colon + 1);
            dir = dir.substring(0, colon);
            if (digest != null) {
                throw invalid(text, "give a tag or a digest, not both");
            }
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "tag \"" + tag + "\" is not a valid OCI tag (up to 128 letters, digits, '_', '.'"
                        + " and '-', not starting with '.' or '-'; a layout directory cannot contain ':')");
            }
        }
        if (dir.isEmpty()) {
            throw invalid(text, "the directory after \"oci:\" is missing");
        }
        return new Layout(Path.of(dir), tag, digest);
    }

    private static TrustplaneException invalid(String text, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, "Invalid image location \"" + text + "\": " + why
                + "; use " + SYNTAX);
    }
}
