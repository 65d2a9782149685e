package dev.trustplane.oci;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A normalised image reference following the docker reference grammar:
 * {@code [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST]}. A reference without a registry is on
 * {@code docker.io}, and a single-component repository there gets {@code library/}. A reference
 * with neither tag nor digest gets the tag {@code latest}.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_API = "registry-1.docker.io";
    private static final int MAX_NAME_LENGTH = 255;

    private static final String LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("an image reference needs a tag or a digest");
        }
    }

    /** Parses and normalises a reference; the error quotes the input and says what is wrong. */
    public static ImageReference parse(String text) {
        Objects.requireNonNull(text, "reference");
        if (text.isEmpty()) {
            throw invalid(text, "the reference is empty");
        }
        if (text.contains("://")) {
            throw invalid(text, "a registry reference has no scheme; write HOST[:PORT]/REPOSITORY[:TAG]");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String digestText = rest.substring(at + 1);
            try {
                digest = Digest.parse(digestText);
            } catch (TrustplaneException e) {
                throw invalid(text, "the part after '@' is not a digest (" + e.getMessage() + ")");
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastColon = rest.lastIndexOf(':');
        if (lastColon > rest.lastIndexOf('/')) {
            tag = rest.substring(lastColon + 1);
            rest = rest.substring(0, lastColon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "tag \"" + tag + "\" is not valid: up to 128 of letters, digits, '_', '.', '-',"
                        + " not starting with '.' or '-'");
            }
        }
        if (rest.isEmpty()) {
            throw invalid(text, "the repository name is missing");
        }
        String registry;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT)))) {
            registry = first;
            path = rest.substring(slash + 1);
            if (!REGISTRY.matcher(registry).matches()) {
                throw invalid(text, "registry \"" + registry + "\" is not a valid host[:port]");
            }
        } else {
            registry = DOCKER_HUB;
            path = rest;
        }
        if (registry.equals("index.docker.io") || registry.equals(DOCKER_HUB_API)) {
            registry = DOCKER_HUB;
        }
        if (path.isEmpty()) {
            throw invalid(text, "the repository name is missing after the registry");
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                if (!component.equals(component.toLowerCase(Locale.ROOT))) {
                    throw invalid(text, "repository name must be lowercase");
                }
                throw invalid(text, "repository component \"" + component + "\" is not valid: lower-case letters"
                        + " and digits, separated by '.', '_', '__' or '-'");
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if ((registry + "/" + path).length() > MAX_NAME_LENGTH) {
            throw invalid(text, "the repository name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** Parses a repository without tag or digest ({@code host/name}) for verbs such as {@code tags}. */
    public static ImageReference parseRepository(String text) {
        Objects.requireNonNull(text, "repository");
        if (text.indexOf('@') >= 0 || text.lastIndexOf(':') > text.lastIndexOf('/')) {
            throw invalid(text, "expected a repository without tag or digest, e.g. registry.example/team/app");
        }
        return parse(text);
    }

    /** The host to contact for this registry (Docker Hub's API host differs from its name). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** The tag, or the digest when the reference pins one: what a manifest request names. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, tag, newDigest);
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, newTag, digest);
    }

    /** Only the digest, no tag: {@code registry/repo@sha256:…}. */
    public ImageReference pinned(Digest newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    /** {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name());
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    private static TrustplaneException invalid(String text, String why) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT,
                "Invalid image reference \"" + text + "\": " + why);
    }
}
