package dev.trustplane.oci.registry;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Lists referrers through {@code GET /v2/<name>/referrers/<digest>} and falls back to the
 * {@code sha256-<hex>} tag index; a registry that answered that it has no referrers API is asked
 * only for the fallback tag for the next five minutes (one round trip less per lookup). Updating the fallback index is a read-modify-write the
 * distribution API cannot make atomic: after each write the index is read again after a
 * {@link SettleDelay}, and the write is redone until the entry is there; writers in this process
 * take turns ({@link TagLocks}), so only writers elsewhere depend on that read-back.
 */
final class ReferrerEndpoints {
    private static final int MAX_UPDATE_ATTEMPTS = 10;
    /** How long a registry that answered "no referrers API" is asked only for the fallback tag. */
    private static final long NO_API_MEMO_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** Registries (host) without the referrers API, until when that is assumed. */
    private final Map<String, Long> noApiUntil = new ConcurrentHashMap<>();

    private final RegistryHttp http;
    private final ManifestEndpoints manifests;
    private final OciLimits limits;
    private final EventListener listener;

    ReferrerEndpoints(RegistryHttp http, ManifestEndpoints manifests, OciLimits limits, EventListener listener) {
        this.http = http;
        this.manifests = manifests;
        this.limits = limits;
        this.listener = listener;
    }

    Referrers list(ImageReference subject, String artifactType) {
        Long until = noApiUntil.get(subject.registry());
        if (until == null || System.nanoTime() - until > 0) {
            Optional<List<Descriptor>> viaApi = viaApi(subject, artifactType);
            if (viaApi.isPresent()) {
                noApiUntil.remove(subject.registry());
                return new Referrers(viaApi.get(), Referrers.Source.API);
            }
            noApiUntil.put(subject.registry(), System.nanoTime() + NO_API_MEMO_NANOS);
        }
        List<Descriptor> found = new ArrayList<>();
        for (Descriptor d : fallbackIndex(subject).map(ImageIndex::manifests).orElse(List.of())) {
            if (artifactType == null || artifactType.equals(d.artifactType())) {
                found.add(d);
            }
        }
        return new Referrers(found, Referrers.Source.FALLBACK_TAG);
    }

    private Optional<List<Descriptor>> viaApi(ImageReference subject, String artifactType) {
        Call call = Call.pull(subject.registry(), subject.repository(), "list referrers of " + subject);
        String query = artifactType == null ? "" : "?artifactType=" + URLEncoder.encode(artifactType,
                StandardCharsets.UTF_8);
        URI next = http.uri(call, subject.repository() + "/referrers/" + subject.digest() + query);
        List<Descriptor> all = new ArrayList<>();
        while (next != null) {
            HttpResponse<InputStream> response = http.send(call, "GET", next,
                    Map.of("Accept", MediaTypes.OCI_INDEX), RegistryHttp.Body.NONE);
            int status = response.statusCode();
            if (all.isEmpty() && (status == 404 || status == 405 || status == 400)) {
                RegistryErrors.drain(response);
                return Optional.empty();
            }
            if (status != 200) {
                throw http.fail(call, response);
            }
            boolean filtered = response.headers().allValues("OCI-Filters-Applied").stream()
                    .anyMatch(v -> v.contains("artifactType"));
            byte[] body;
            try {
                body = Bodies.readBounded(response, limits.maxManifestBytes(), "max-manifest-bytes",
                        "Referrers list of " + subject);
            } catch (IOException e) {
                throw RegistryErrors.unreachable(call, e, 1);
            }
            Manifest m = RawManifest.of(body, MediaTypes.OCI_INDEX).parse(limits, "referrers of " + subject);
            if (!(m instanceof ImageIndex index)) {
                throw RegistryErrors.protocol(call, 200, "the referrers answer is not an image index");
            }
            for (Descriptor d : index.manifests()) {
                if (filtered || artifactType == null || artifactType.equals(d.artifactType())) {
                    all.add(d);
                }
            }
            if (all.size() > limits.maxIndexEntries()) {
                throw new LimitExceededException("max-index-entries", limits.maxIndexEntries(),
                        "Referrers of " + subject);
            }
            String link = Bodies.nextLink(response);
            next = link == null ? null : next.resolve(link);
        }
        return Optional.of(all);
    }

    Optional<ImageIndex> fallbackIndex(ImageReference subject) {
        ImageReference tag = fallbackTag(subject);
        return manifests.get(tag).map(raw -> {
            Manifest m = raw.parse(limits, tag.toString());
            if (m instanceof ImageIndex index) {
                return index;
            }
            throw new RegistryException(ErrorKind.REMOTE_ERROR, subject.registry(), 200, null, "The referrers"
                    + " fallback tag " + tag + " holds an image manifest, not an index; another tool uses this tag"
                    + " for something else. Remove or rename it before attaching referrers", null);
        });
    }

    /**
     * Adds {@code entry} to the fallback index of {@code subject}, redoing the write until it
     * sticks; writers in this process take turns on the tag ({@link TagLocks}).
     */
    void addToFallback(ImageReference subject, Descriptor entry) {
        ImageReference tag = fallbackTag(subject);
        TagLocks.locked(tag.toString(), () -> {
            addToFallback(subject, tag, entry);
            return null;
        });
    }

    private void addToFallback(ImageReference subject, ImageReference tag, Descriptor entry) {
        for (int attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
            long t0 = System.nanoTime();
            ImageIndex current = fallbackIndex(subject).orElse(ImageIndex.of(List.of()));
            if (!current.contains(entry.digest())) {
                try {
                    manifests.put(tag, current.plus(entry).toRaw(), 1);
                } catch (RegistryException e) {
                    if (!e.refusedReference()) {
                        throw e;
                    }
                    // the registry was rewriting a link this index names: a lost round, read again
                }
            }
            SettleDelay.pause(tag.toString(), attempt, System.nanoTime() - t0);
            if (fallbackIndex(subject).map(i -> i.contains(entry.digest())).orElse(false)) {
                return;
            }
            listener.debug("referrers index " + tag + " lost entry " + entry.digest().shortForm()
                    + " to a concurrent writer; writing it again");
        }
        throw new RegistryException(ErrorKind.REMOTE_ERROR, subject.registry(), 0, null, "Tried to add referrer "
                + entry.digest() + " to " + tag + ": concurrent writers replaced the index " + MAX_UPDATE_ATTEMPTS
                + " times — retry when fewer tools write referrers for this image", null);
    }

    static ImageReference fallbackTag(ImageReference subject) {
        Digest digest = subject.digest();
        return new ImageReference(subject.registry(), subject.repository(), digest.referrersTag(), null);
    }
}
