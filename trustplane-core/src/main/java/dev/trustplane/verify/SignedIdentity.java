package dev.trustplane.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.ImageReference;
import java.util.Objects;
import java.util.Set;

/**
 * Which image a signature's signed identity — the {@code docker-reference} of its simple-signing
 * payload — may vouch for, with containers/image's {@code signedIdentity} semantics (policy.json,
 * containers-policy.json(5)). cosign signs the digest and names the repository beside it; without
 * this check a signature made for {@code registry/team/app} also verifies the same digest copied to
 * {@code registry/other/app}. Spelt for flags as {@code matchRepository}, {@code matchExact},
 * {@code matchRepoDigestOrExact}, {@code exactReference:REF}, {@code exactRepository:REPO} or
 * {@code remapIdentity:PREFIX=SIGNED_PREFIX}; in JSON as containers/image writes it.
 */
public sealed interface SignedIdentity {

    /** The image and the signature must name the same reference, tag included. */
    record MatchExact() implements SignedIdentity {
    }

    /** By digest: the same repository; by tag: the same reference (containers/image's default). */
    record MatchRepoDigestOrExact() implements SignedIdentity {
    }

    /** The same repository; tags and digests aside. */
    record MatchRepository() implements SignedIdentity {
    }

    /** The signature must name exactly {@code reference}, whatever the image is called. */
    record ExactReference(String reference) implements SignedIdentity {
    }

    /** The signature must name {@code repository}, whatever the image is called. */
    record ExactRepository(String repository) implements SignedIdentity {
    }

    /**
     * An image under {@code prefix} is looked for under {@code signedPrefix} (a mirror signed under
     * its origin's name), then {@link MatchRepoDigestOrExact}; other images as they are.
     */
    record RemapIdentity(String prefix, String signedPrefix) implements SignedIdentity {
        /**
         * {@code image} (normalised) with {@code prefix} replaced by {@code signedPrefix} when it
         * starts with it at a boundary; else as it is; null when the result is not a canonical
         * reference (host/path…), which containers/image refuses too.
         */
        public String remap(String image) {
            Ref img = Ref.parseOrNull(image);
            if (img == null) {
                return null;
            }
            String full = img.toString();
            if (!matchesPrefix(img.name(), prefix)) {
                return full;
            }
            String mapped = signedPrefix + full.substring(prefix.length());
            Ref remapped = Ref.parseOrNull(mapped);
            return remapped == null || !remapped.toString().equals(mapped) ? null : mapped;
        }

        /**
         * containers/image's prefix match on a repository {@code name} (no tag or digest): the
         * whole name, or up to a '/' — a host:port prefix matches only that exact port.
         */
        public static boolean matchesPrefix(String name, String prefix) {
            return name.equals(prefix) || name.startsWith(prefix) && name.length() > prefix.length()
                    && name.charAt(prefix.length()) == '/';
        }
    }

    /** The flag spelling: {@code matchRepository}, {@code remapIdentity:PREFIX=SIGNED_PREFIX}, … */
    default String spec() {
        return switch (this) {
            case MatchExact m -> "matchExact";
            case MatchRepoDigestOrExact m -> "matchRepoDigestOrExact";
            case MatchRepository m -> "matchRepository";
            case ExactReference e -> "exactReference:" + e.reference();
            case ExactRepository e -> "exactRepository:" + e.repository();
            case RemapIdentity r -> "remapIdentity:" + r.prefix() + "=" + r.signedPrefix();
        };
    }

    /** Null when {@code signed} (a docker-reference) may vouch for {@code image}, else why not. */
    default String mismatch(String image, String signed) {
        Ref img;
        Ref sig;
        try {
            img = Ref.of(image);
        } catch (TrustplaneException e) {
            return "the image " + image + " has no registry name to compare a signed identity with";
        }
        try {
            sig = Ref.of(signed);
        } catch (TrustplaneException e) {
            return "the signed identity \"" + signed + "\" is not an image reference";
        }
        return switch (this) {
            case MatchExact m -> img.exact(sig) ? null : "the signature names " + sig + ", not exactly " + img
                    + " (signedIdentity matchExact)";
            case MatchRepoDigestOrExact m -> repoDigestOrExact(img, sig);
            case MatchRepository m -> img.name().equals(sig.name()) ? null : "the signature names repository "
                    + sig.name() + ", not " + img.name() + " (signedIdentity matchRepository)";
            case ExactReference e -> {
                Ref wanted = Ref.parseOrNull(e.reference());
                yield wanted != null && sig.exact(wanted) ? null : "the signature names " + sig + ", not "
                        + e.reference() + " (signedIdentity exactReference)";
            }
            case ExactRepository e -> {
                Ref wanted = Ref.parseOrNull(e.repository());
                yield wanted != null && sig.name().equals(wanted.name()) ? null : "the signature names repository "
                        + sig.name() + ", not " + e.repository() + " (signedIdentity exactRepository)";
            }
            case RemapIdentity r -> {
                String mapped = r.remap(image);
                yield mapped == null ? "remapping " + img + " with prefix " + r.prefix() + " to " + r.signedPrefix()
                        + " does not give a canonical image reference" : repoDigestOrExact(Ref.of(mapped), sig);
            }
        };
    }

    private static String repoDigestOrExact(Ref img, Ref sig) {
        if (sig.tag() == null && sig.digest() == null) {
            return "the signature names only the repository " + sig.name() + " (as cosign signs), which"
                    + " matchRepoDigestOrExact never accepts; use matchRepository";
        }
        if (img.tag() == null && img.digest() != null) {
            return img.name().equals(sig.name()) ? null : "the signature names repository " + sig.name() + ", not "
                    + img.name() + " (signedIdentity matchRepoDigestOrExact, the image is named by digest)";
        }
        return img.exact(sig) ? null : "the signature names " + sig + ", not exactly " + img
                + " (signedIdentity matchRepoDigestOrExact" + (img.tag() == null
                ? ", the image is named by neither tag nor digest)" : ", the image is named by tag)");
    }

    /** A flag's spelling (see the type's comment); the error names {@code source}. */
    static SignedIdentity parse(String spec, String source) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        String type = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? null : s.substring(colon + 1);
        SignedIdentity id = switch (type) {
            case "matchExact" -> arg == null ? new MatchExact() : null;
            case "matchRepoDigestOrExact" -> arg == null ? new MatchRepoDigestOrExact() : null;
            case "matchRepository" -> arg == null ? new MatchRepository() : null;
            case "exactReference" -> arg == null || arg.isEmpty() ? null : new ExactReference(arg);
            case "exactRepository" -> arg == null || arg.isEmpty() ? null : new ExactRepository(arg);
            case "remapIdentity" -> {
                int eq = arg == null ? -1 : arg.indexOf('=');
                yield eq <= 0 || eq == arg.length() - 1 ? null
                        : new RemapIdentity(arg.substring(0, eq), arg.substring(eq + 1));
            }
            default -> null;
        };
        if (id == null) {
            throw invalid(source, "\"" + spec + "\"");
        }
        return id.validated(source);
    }

    /** containers/image's JSON: {@code {"type": "remapIdentity", "prefix": …, "signedPrefix": …}} and the others. */
    static SignedIdentity parse(JsonNode node, String source) {
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            throw invalid(source, "not an object with a type");
        }
        String type = node.get("type").asText();
        Set<String> allowed = switch (type) {
            case "exactReference" -> Set.of("type", "dockerReference");
            case "exactRepository" -> Set.of("type", "dockerRepository");
            case "remapIdentity" -> Set.of("type", "prefix", "signedPrefix");
            default -> Set.of("type");
        };
        node.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw invalid(source, "field " + f + " does not belong to type " + type);
            }
        });
        String spec = switch (type) {
            case "exactReference" -> type + ":" + node.path("dockerReference").asText("");
            case "exactRepository" -> type + ":" + node.path("dockerRepository").asText("");
            case "remapIdentity" -> type + ":" + node.path("prefix").asText("") + "="
                    + node.path("signedPrefix").asText("");
            default -> type;
        };
        return parse(spec, source);
    }

    private SignedIdentity validated(String source) {
        try {
            switch (this) {
                case ExactReference e -> {
                    if (Ref.of(e.reference()).tag == null && Ref.of(e.reference()).digest == null) {
                        throw invalid(source, "exactReference " + e.reference() + " needs a tag or a digest");
                    }
                }
                case ExactRepository e -> Ref.of(e.repository());
                case RemapIdentity r -> {
                    Ref.of(r.prefix() + (r.prefix().contains("/") ? "" : "/x"));
                    Ref.of(r.signedPrefix() + (r.signedPrefix().contains("/") ? "" : "/x"));
                }
                default -> {
                }
            }
        } catch (TrustplaneException e) {
            throw invalid(source, e.getMessage());
        }
        return this;
    }

    private static TrustplaneException invalid(String source, String what) {
        return new TrustplaneException(ErrorKind.INVALID_INPUT, source + ": " + what + " is not a signed identity;"
                + " use matchRepository, matchExact, matchRepoDigestOrExact, exactReference:REF,"
                + " exactRepository:REPO or remapIdentity:PREFIX=SIGNED_PREFIX (containers-policy.json(5))");
    }

    /**
     * A normalised reference (Docker Hub spelt docker.io/library/…): its {@code name}
     * (registry/repository) and its tag and digest as written — a repository alone has neither.
     */
    record Ref(String name, String tag, String digest) {
        static Ref of(String text) {
            boolean pinned = text.indexOf('@') >= 0 || text.lastIndexOf(':') > text.lastIndexOf('/');
            ImageReference r = ImageReference.parse(text);
            // pinned: parse kept the tag as written (it adds "latest" only to a bare repository)
            return pinned ? new Ref(r.name(), r.tag(), r.digest() == null ? null : r.digest().toString())
                    : new Ref(r.name(), null, null);
        }

        static Ref parseOrNull(String text) {
            try {
                return of(text);
            } catch (TrustplaneException e) {
                return null;
            }
        }

        /** Both name the same repository and pin it the same way (a bare repository matches nothing exactly). */
        boolean exact(Ref other) {
            return (tag != null || digest != null) && name.equals(other.name) && Objects.equals(tag, other.tag)
                    && Objects.equals(digest, other.digest);
        }

        @Override
        public String toString() {
            return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
        }
    }
}
