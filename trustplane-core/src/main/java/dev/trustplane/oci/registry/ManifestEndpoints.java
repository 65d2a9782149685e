package dev.trustplane.oci.registry;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/** GET, HEAD, PUT and DELETE of {@code /v2/<name>/manifests/<reference>}. */
final class ManifestEndpoints {
    private static final String ACCEPT = String.join(", ", MediaTypes.MANIFEST_ACCEPT);

    private final RegistryHttp http;
    private final OciLimits limits;

    ManifestEndpoints(RegistryHttp http, OciLimits limits) {
        this.http = http;
        this.limits = limits;
    }

    /** Fetches a manifest; its bytes are checked against the pinned digest or the registry's digest header. */
    Optional<RawManifest> get(ImageReference ref) {
        Call call = Call.pull(ref.registry(), ref.repository(), "pull manifest " + ref);
        HttpResponse<InputStream> response = http.send(call, "GET", path(ref), Map.of("Accept", ACCEPT),
                RegistryHttp.Body.NONE);
        if (response.statusCode() == 404) {
            RegistryErrors.drain(response);
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw http.fail(call, response);
        }
        try {
            byte[] bytes = Bodies.readBounded(response, limits.maxManifestBytes(), "max-manifest-bytes",
                    "Manifest " + ref);
            String mediaType = Bodies.mediaType(response);
            Digest expected = ref.digest() != null ? ref.digest()
                    : response.headers().firstValue("Docker-Content-Digest").filter(Digest::isDigest)
                    .map(Digest::parse).orElse(null);
            String source = "registry " + ref.registry() + " (" + ref + ")";
            return Optional.of(expected != null ? RawManifest.verified(bytes, mediaType, expected, source)
                    : RawManifest.of(bytes, mediaType));
        } catch (IOException e) {
            throw RegistryErrors.unreachable(call, e, 1);
        }
    }

    /** The descriptor of a manifest without its body; empty when the registry has no such manifest. */
    Optional<Descriptor> head(ImageReference ref) {
        Call call = Call.pull(ref.registry(), ref.repository(), "look up manifest " + ref);
        HttpResponse<InputStream> response = http.send(call, "HEAD", path(ref), Map.of("Accept", ACCEPT),
                RegistryHttp.Body.NONE);
        RegistryErrors.drain(response);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw http.fail(call, response);
        }
        Optional<String> digest = response.headers().firstValue("Docker-Content-Digest").filter(Digest::isDigest);
        String mediaType = Bodies.mediaType(response);
        long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (digest.isEmpty() || mediaType == null || size < 0) {
            return get(ref).map(RawManifest::descriptor);
        }
        return Optional.of(Descriptor.of(mediaType, Digest.parse(digest.get()), size));
    }

    /** Result of a PUT: the digest and whether the registry processed the subject (OCI-Subject header). */
    record PutResult(Digest digest, boolean subjectProcessed) {
    }

    /**
     * Attempts for a manifest PUT refused because a blob it names looked invalid or missing
     * ({@link RegistryException#refusedReference()}): while another client uploads the same blob
     * (every signer of an image uploads the same simple-signing payload) this lasts milliseconds.
     */
    static final int REFUSED_REFERENCE_ATTEMPTS = 4;

    PutResult put(ImageReference target, RawManifest manifest) {
        return put(target, manifest, REFUSED_REFERENCE_ATTEMPTS);
    }

    /**
     * Pushes the manifest; a refused reference is tried again up to {@code attempts} times in all.
     * Read-modify-write callers pass 1: writing their stale merge again later could replace what
     * another writer stored meanwhile, so they read again instead.
     */
    PutResult put(ImageReference target, RawManifest manifest, int attempts) {
        Call call = Call.push(target.registry(), target.repository(), "push manifest " + target);
        HttpResponse<InputStream> response;
        for (int attempt = 1; ; attempt++) {
            response = http.send(call, "PUT", path(target), Map.of("Content-Type", manifest.mediaType()),
                    RegistryHttp.Body.bytes(manifest.bytes()));
            if (response.statusCode() == 201 || response.statusCode() == 200 || response.statusCode() == 202) {
                break;
            }
            RegistryException refused = http.fail(call, response);
            if (attempt >= attempts || !refused.refusedReference()) {
                throw refused;
            }
            try {
                Thread.sleep(10L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refused;
            }
        }
        RegistryErrors.drain(response);
        Optional<String> answered = response.headers().firstValue("Docker-Content-Digest");
        if (answered.isPresent() && Digest.isDigest(answered.get())
                && Digest.parse(answered.get()).algorithm() == manifest.digest().algorithm()
                && !Digest.parse(answered.get()).equals(manifest.digest())) {
            throw new RegistryException(ErrorKind.INTEGRITY, target.registry(), response.statusCode(), null,
                    "Tried to " + call.operation() + ": registry stored it as " + answered.get() + " but its digest is "
                            + manifest.digest() + " — the registry altered the manifest; do not trust this registry",
                    null);
        }
        return new PutResult(manifest.digest(), response.headers().firstValue("OCI-Subject").isPresent());
    }

    void delete(ImageReference ref) {
        if (ref.digest() == null) {
            throw new IllegalArgumentException("manifests are deleted by digest, not by tag: " + ref);
        }
        Call call = Call.delete(ref.registry(), ref.repository(), "delete manifest " + ref);
        HttpResponse<InputStream> response = http.send(call, "DELETE", path(ref), Map.of(), RegistryHttp.Body.NONE);
        RegistryErrors.drain(response);
        if (response.statusCode() != 202 && response.statusCode() != 200) {
            throw http.fail(call, response);
        }
    }

    private static String path(ImageReference ref) {
        return ref.repository() + "/manifests/" + ref.manifestReference();
    }
}
