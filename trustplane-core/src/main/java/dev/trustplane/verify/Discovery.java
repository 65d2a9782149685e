package dev.trustplane.verify;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.SimpleSigning;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Finds every signature and attestation of an image in every format: the cosign tags
 * {@code .sig}/{@code .att}, and referrers (API or fallback tag) holding Sigstore bundles or
 * cosign's OCI 1.1 signature manifests. Referrer manifests are fetched rather than trusting the
 * index entry's artifactType (cosign writes the config media type there). What cannot be read
 * becomes an unreadable candidate or a problem — never a silent omission.
 */
final class Discovery {
    static final String COSIGN_SIG_ARTIFACT = "application/vnd.dev.cosign.artifact.sig.v1+json";
    static final String BUNDLE_MEDIA_PREFIX = "application/vnd.dev.sigstore.bundle";

    private final EvidenceStore store;
    private final VerifierLimits limits;
    final List<Candidate> found = new ArrayList<>();
    private boolean wantSignatures = true;
    private boolean wantAttestations = true;
    final List<String> problems = new ArrayList<>();
    /** Set once a {@link #runUntil} caller has enough: branches still running stop at their next read. */
    private AtomicBoolean abandoned = new AtomicBoolean();
    /**
     * In {@link #runUntil}, the referrers branch lists the referrers at once but reads their
     * manifests only after the {@code .sig} branch has been checked: both listings cost one round
     * trip and run side by side, and a verified {@code .sig} signature (the usual case) then spares
     * the bundle reads. Null elsewhere.
     */
    private CountDownLatch tagSettled;
    /** How many referrers the listing returned; -1 until it did. */
    private volatile int listed = -1;
    /**
     * After {@link #runUntil}: whether every place was read — false when it stopped at a verified
     * {@code .sig} signature while referrers were listed (or still being listed) and left unread.
     */
    BooleanSupplier complete = () -> true;

    Discovery(EvidenceStore store, VerifierLimits limits) {
        this.store = store;
        this.limits = limits;
    }

    /**
     * Looks in every place at once (the tags and the referrers, and each referrer's manifest and
     * blobs, on virtual threads: a registry round trip is the cost, not the CPU) and merges what
     * was found in a fixed order: .sig, .att, then referrers in listing order.
     */
    Discovery run(Digest image, boolean signatures, boolean attestations) {
        wantSignatures = signatures;
        wantAttestations = attestations;
        List<Consumer<Discovery>> branches = new ArrayList<>();
        if (signatures) {
            branches.add(d -> d.tag(image, CosignTags.SIG, Evidence.Kind.SIGNATURE));
        }
        if (attestations) {
            branches.add(d -> d.tag(image, CosignTags.ATT, Evidence.Kind.ATTESTATION));
        }
        branches.add(d -> d.referrers(image));
        return merge(branches);
    }

    /**
     * Like {@link #run} for signatures, but hands each place to {@code enough} as soon as it has
     * been read (in completion order) and stops looking once {@code enough} says so. A read still
     * in flight then completes in the background (its connection goes back to the pool rather
     * than being closed by an interrupt) and its branch reads nothing more: a verified {@code .sig}
     * signature spares the registry the bundle manifest and blob. For callers that need one
     * verified signature, not all of them.
     */
    Discovery runUntil(Digest image, Predicate<Discovery> enough) {
        wantSignatures = true;
        wantAttestations = false;
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        var settled = new CountDownLatch(1);
        boolean satisfied = false;
        try {
            var done = new ExecutorCompletionService<Discovery>(pool);
            Discovery tagPart = new Discovery(store, limits);
            Discovery referrersPart = new Discovery(store, limits);
            referrersPart.tagSettled = settled;
            List<Discovery> parts = List.of(tagPart, referrersPart);
            for (Discovery part : parts) {
                part.abandoned = abandoned;
                part.wantSignatures = true;
                part.wantAttestations = false;
                done.submit(() -> {
                    if (part == tagPart) {
                        part.tag(image, CosignTags.SIG, Evidence.Kind.SIGNATURE);
                    } else {
                        part.referrers(image);
                    }
                    return part;
                });
            }
            for (int i = 0; i < parts.size(); i++) {
                Discovery part;
                try {
                    part = done.take().get();
                } catch (ExecutionException e) {
                    problems.add("Discovery failed: " + e.getCause());
                    settled.countDown();
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    problems.add("Discovery was interrupted");
                    break;
                }
                found.addAll(part.found);
                problems.addAll(part.problems);
                if (enough.test(part)) {
                    satisfied = true;
                    // Unread places remain unless this was the tag place and the listing found no referrers.
                    if (i < parts.size() - 1) {
                        // the listing runs on; by the time anyone asks it has come back (or failed: -1)
                        complete = part == tagPart ? () -> referrersPart.listed == 0 : () -> false;
                    }
                    break;
                }
                if (part == tagPart) {
                    settled.countDown();
                }
            }
        } finally {
            abandoned.set(true);
            settled.countDown();
            if (satisfied) {
                pool.shutdown();
            } else {
                // interrupted (the caller's time budget ran out) or failed: stop what is in flight
                pool.shutdownNow();
            }
        }
        return this;
    }

    /** Reads in flight at once per merge: a manifest of 256 signatures must not become 256 connections. */
    private static final int MAX_PARALLEL_READS = 16;

    /** Runs each branch on its own Discovery in parallel and appends their findings in branch order. */
    private Discovery merge(List<Consumer<Discovery>> branches) {
        if (branches.size() == 1) {
            branches.get(0).accept(this);
            return this;
        }
        List<Discovery> parts = new ArrayList<>();
        var slots = new Semaphore(MAX_PARALLEL_READS);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (var branch : branches) {
                Discovery part = new Discovery(store, limits);
                part.abandoned = abandoned;
                part.wantSignatures = wantSignatures;
                part.wantAttestations = wantAttestations;
                parts.add(part);
                futures.add(pool.submit(() -> {
                    slots.acquire();
                    try {
                        branch.accept(part);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    problems.add("Discovery failed: " + e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    problems.add("Discovery was interrupted");
                }
            }
        }
        for (Discovery part : parts) {
            found.addAll(part.found);
            problems.addAll(part.problems);
        }
        return this;
    }

    private void tag(Digest image, String suffix, Evidence.Kind kind) {
        String tag = CosignTags.tag(image, suffix);
        String where = store.name() + ":" + tag;
        List<Descriptor> layers;
        try {
            Optional<RawManifest> raw = store.tagged(tag);
            if (raw.isEmpty() || abandoned.get()) {
                return;
            }
            layers = CosignTags.layersOf(raw.get(), where);
        } catch (TrustplaneException e) {
            problems.add("Could not read " + where + ": " + e.getMessage());
            return;
        }
        if (layers.size() == 1) {
            addLayer(layers.get(0), kind, Evidence.Format.COSIGN_TAG, where + " layer 1", image);
            return;
        }
        // One manifest layer per signer: read them side by side, keep them in manifest order.
        List<Consumer<Discovery>> each = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            String at = where + " layer " + (i + 1);
            each.add(part -> part.addLayer(layer, kind, Evidence.Format.COSIGN_TAG, at, image));
        }
        merge(each);
    }

    private void referrers(Digest image) {
        List<Descriptor> list;
        try {
            list = store.referrers(image);
            listed = list.size();
        } catch (TrustplaneException e) {
            problems.add("Could not list the referrers of " + image + " in " + store.name() + ": " + e.getMessage());
            return;
        }
        if (tagSettled != null) {
            try {
                tagSettled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (abandoned.get()) {
            return;
        }
        if (list.size() > limits.maxReferrers()) {
            problems.add(image + " has " + list.size() + " referrers; only the first " + limits.maxReferrers()
                    + " were checked (limit max-referrers)");
            list = list.subList(0, limits.maxReferrers());
        }
        List<Consumer<Discovery>> each = new ArrayList<>();
        for (Descriptor d : list) {
            each.add(part -> part.referrer(d, image));
        }
        merge(each);
    }

    private void referrer(Descriptor d, Digest image) {
        if (abandoned.get()) {
            return;
        }
        String where = store.name() + "@" + d.digest();
        String listedType = d.annotations().get(Bundle.PREDICATE_ANNOTATION);
        if (d.artifactType() != null && d.artifactType().startsWith(BUNDLE_MEDIA_PREFIX) && listedType != null
                && !(PredicateTypes.COSIGN_SIGN.equals(listedType) ? wantSignatures : wantAttestations)) {
            // The referrers list already says which kind the bundle holds (the API and the fallback
            // index carry the manifest's annotations): not even its manifest is fetched. Untrusted,
            // like the manifest's own annotation below: a lie only leaves a bundle unread.
            return;
        }
        Manifest m;
        try {
            m = store.manifest(d).parse();
        } catch (TrustplaneException e) {
            problems.add("Could not read referrer " + where + ": " + e.getMessage());
            return;
        }
        if (!(m instanceof ImageManifest manifest)) {
            return;
        }
        String type = manifest.effectiveArtifactType();
        String predicateType = manifest.annotations().get(Bundle.PREDICATE_ANNOTATION);
        boolean bundle = type != null && type.startsWith(BUNDLE_MEDIA_PREFIX);
        if (bundle && predicateType != null && !(PredicateTypes.COSIGN_SIGN.equals(predicateType)
                ? wantSignatures : wantAttestations)) {
            // The annotation says which kind the bundle holds; it is not trusted for anything else:
            // a bundle that lies about it is only left unread, never counted.
            return;
        }
        for (int i = 0; i < Math.min(manifest.layers().size(), CosignTags.MAX_LAYERS); i++) {
            Descriptor layer = manifest.layers().get(i);
            String at = where + " layer " + (i + 1);
            if (bundle || layer.mediaType().startsWith(BUNDLE_MEDIA_PREFIX)) {
                Evidence.Kind hint = PredicateTypes.COSIGN_SIGN.equals(predicateType) ? Evidence.Kind.SIGNATURE
                        : Evidence.Kind.ATTESTATION;
                found.add(new Candidate(hint, Evidence.Format.BUNDLE_REFERRER, at, predicateType,
                        read(layer, limits.maxEnvelopeBytes()).map(b -> (Candidate.Content)
                                new Candidate.BundleBytes(b)).orElseGet(() -> unreadable(layer))));
            } else if (COSIGN_SIG_ARTIFACT.equals(type) || manifest.config().mediaType().equals(
                    COSIGN_SIG_ARTIFACT)) {
                addLayer(layer, Evidence.Kind.SIGNATURE, Evidence.Format.COSIGN_REFERRER, at, image);
            } else if (layer.mediaType().equals(CosignTags.DSSE_LAYER)) {
                addLayer(layer, Evidence.Kind.ATTESTATION, Evidence.Format.COSIGN_REFERRER, at, image);
            }
        }
    }

    /** A simple-signing payload for {@code image} is predicted when it can be, and fetched otherwise. */
    private void addLayer(Descriptor layer, Evidence.Kind kind, Evidence.Format format, String where, Digest image) {
        if (layer.mediaType().equals(CosignTags.SIMPLE_SIGNING_LAYER)) {
            Optional<byte[]> predicted = layer.size() > limits.maxPayloadBytes() ? Optional.empty()
                    : SimpleSigning.predictedPayload(layer, image, store.name());
            found.add(new Candidate(kind, format, where, null, predicted.or(() -> read(layer,
                    limits.maxPayloadBytes())).map(b -> (Candidate.Content) new Candidate.SimpleSig(b, layer.annotations()))
                    .orElseGet(() -> unreadable(layer))));
        } else if (layer.mediaType().equals(CosignTags.DSSE_LAYER)) {
            found.add(new Candidate(Evidence.Kind.ATTESTATION, format, where, layer.annotation(
                    CosignTags.PREDICATE_TYPE_ANNOTATION), read(layer, limits.maxEnvelopeBytes())
                    .map(b -> (Candidate.Content) new Candidate.Envelope(b, layer.annotations()))
                    .orElseGet(() -> unreadable(layer))));
        }
    }

    private final Map<Digest, String> readErrors = new HashMap<>();

    private Optional<byte[]> read(Descriptor layer, long max) {
        if (abandoned.get()) {
            readErrors.put(layer.digest(), "not read: discovery had already found what it needed");
            return Optional.empty();
        }
        try {
            return Optional.of(store.blob(layer, max));
        } catch (TrustplaneException e) {
            readErrors.put(layer.digest(), e.getMessage());
            return Optional.empty();
        }
    }

    private Candidate.Content unreadable(Descriptor layer) {
        return new Candidate.Unreadable(readErrors.getOrDefault(layer.digest(), "could not be read"));
    }
}
