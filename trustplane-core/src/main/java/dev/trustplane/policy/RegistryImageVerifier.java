package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.io.InputStream;
import dev.trustplane.oci.registry.CredentialProvider;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.verify.NotaryVerifier;
import dev.trustplane.verify.Revocations;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Resolves tags and verifies evidence in registries (or OCI layouts named {@code oci:DIR}),
 * through two caches shared by every rule and request. Verification reports are keyed by
 * (evidence repository, digest, kind, predicate type, attestor trust hash, revocation list
 * version): everything that decides which checks ran and how, so a hit never stands in for a
 * check it did not cover. When the revocation list moves, the evidence read before is judged
 * again without the registry (its revocation stage is a pure function of the evidence) whenever
 * that settles the question — a signature still verifies, or every place had been read — and read
 * again otherwise. Tag resolutions are keyed by the reference. Conditions on attestations are
 * never cached: they are evaluated on the cached statements every time.
 */
public final class RegistryImageVerifier implements ImageVerifier {
    private final RegistryClient client;
    private final VerifierLimits limits;
    private final ResultCache<VerificationReport> reports;
    private final ResultCache<Digest> tags;
    private final Supplier<Revocations> revocations;
    /** The last report read from the registry per (evidence repository, digest, kind, type, trust hash). */
    private final Map<String, Computed> latest;
    private final AtomicLong rejudged;
    /** Prefixes every cache key of a view with other registry credentials (empty for the server's own). */
    private final String keyPrefix;
    private final Map<String, RegistryImageVerifier> views;
    private final Duration ttl;
    private final Duration negativeTtl;
    private final int maxEntries;
    /** The replicas' shared second-level cache, if any (shared with every credentials view). */
    private final AtomicReference<SharedResults> shared;
    private final AtomicLong sharedHits;

    /**
     * @param ttl         how long a verified result is reused
     * @param negativeTtl how long a result with nothing verified is reused
     * @param tagTtl      how long a tag's digest is reused (the pinned digest is what was verified)
     */
    public RegistryImageVerifier(RegistryClient client, VerifierLimits limits, Duration ttl, Duration negativeTtl,
            Duration tagTtl, int maxEntries) {
        this(client, limits, ttl, negativeTtl, tagTtl, maxEntries, () -> Revocations.NONE);
    }

    /**
     * @param revocations the signers revoked now, asked at every verification (cached or not): its
     *                    version is part of every cache key, so a revocation is in force for the
     *                    next request
     */
    public RegistryImageVerifier(RegistryClient client, VerifierLimits limits, Duration ttl, Duration negativeTtl,
            Duration tagTtl, int maxEntries, Supplier<Revocations> revocations) {
        this.client = client;
        this.revocations = revocations;
        this.ttl = ttl;
        this.negativeTtl = negativeTtl;
        this.maxEntries = maxEntries;
        this.limits = limits;
        this.reports = new ResultCache<>(ttl, negativeTtl, maxEntries);
        this.tags = new ResultCache<>(tagTtl, tagTtl, maxEntries);
        this.latest = new ConcurrentHashMap<>();
        this.rejudged = new AtomicLong();
        this.keyPrefix = "";
        this.views = new ConcurrentHashMap<>();
        this.shared = new AtomicReference<>();
        this.sharedHits = new AtomicLong();
    }

    private RegistryImageVerifier(RegistryImageVerifier parent, RegistryClient client, String keyPrefix) {
        this.client = client;
        this.revocations = parent.revocations;
        this.ttl = parent.ttl;
        this.negativeTtl = parent.negativeTtl;
        this.maxEntries = parent.maxEntries;
        this.limits = parent.limits;
        this.reports = parent.reports;
        this.tags = parent.tags;
        this.latest = parent.latest;
        this.rejudged = parent.rejudged;
        this.keyPrefix = keyPrefix;
        this.views = parent.views;
        this.shared = parent.shared;
        this.sharedHits = parent.sharedHits;
    }

    /**
     * Asks {@code results} (the replicas' shared cache) before verifying on a miss of this
     * verifier's own cache, and gives it every verified result computed here.
     */
    public RegistryImageVerifier sharing(SharedResults results) {
        shared.set(results);
        return this;
    }

    /** Verifications answered from the shared cache (another replica had done them). */
    public long sharedHits() {
        return sharedHits.get();
    }

    /**
     * This verifier reading registries with {@code credentials} first (a pod's pull secrets): the
     * caches are shared, every key carrying {@code fingerprint} (which Secrets, at which version),
     * so a result read with one set of credentials never answers a request with another.
     */
    @Override
    public ImageVerifier withCredentials(CredentialProvider credentials, String fingerprint) {
        if (views.size() > 256) {
            views.clear();
        }
        return views.computeIfAbsent(fingerprint, f -> new RegistryImageVerifier(this, client.withCredentials(credentials),
                "creds:" + f + "|"));
    }

    public ResultCache<VerificationReport> reportCache() {
        return reports;
    }

    @Override
    public Digest resolve(ImageReference image, boolean useCache) {
        if (image.digest() != null) {
            return image.digest();
        }
        Supplier<Digest> load = () -> client.head(image).map(Descriptor::digest)
                .orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND, "Image " + image
                        + " does not exist in its registry (no manifest for the tag)"));
        return useCache ? tags.get(keyPrefix + image, load, d -> true) : load.get();
    }

    @Override
    public VerificationReport signatures(ImageReference image, Digest digest, String repository, Attestor attestor,
            boolean useCache) {
        return report(image, digest, repository, attestor, null, useCache);
    }

    @Override
    public VerificationReport attestations(ImageReference image, Digest digest, String repository, Attestor attestor,
            String predicateType, boolean useCache) {
        return report(image, digest, repository, attestor, predicateType, useCache);
    }

    private VerificationReport report(ImageReference image, Digest digest, String repository, Attestor attestor,
            String predicateType, boolean useCache) {
        Location where = repository == null ? new Location.Registry(image.pinned(digest))
                : Location.parse(repository);
        Revocations revoked = revocations.get();
        // a signed-identity check reads the image's tag: then the name as written is part of the key
        boolean named = attestor.trust() != null && attestor.trust().signedIdentity() != null;
        String base = keyPrefix + (repository == null ? image.name() : repository) + "@" + digest + "|"
                + (named ? "as:" + image + "|" : "")
                + (predicateType == null ? "sig" : "att:" + predicateType) + "|" + attestor.trustHash();
        Supplier<VerificationReport> fresh = () -> {
            VerificationReport r;
            if (attestor.notary() != null) {
                NotaryVerifier notary = new NotaryVerifier(EvidenceStore.open(where, client), attestor.notary(), limits,
                        Clock.systemUTC());
                r = predicateType == null ? notary.signatures(image.name(), digest)
                        : notary.attestations(image.name(), digest, predicateType);
                remember(base, r, System.nanoTime());
                return r;
            }
            Verifier verifier = new Verifier(EvidenceStore.open(where, client),
                    attestor.trust().withRevocations(revoked), limits);
            r = predicateType == null ? verifier.firstVerifiedSignature(named ? image.toString() : image.name(),
                    digest)
                    : verifier.attestations(image.name(), digest, predicateType);
            remember(base, r, System.nanoTime());
            return r;
        };
        if (!useCache) {
            return fresh.get();
        }
        Supplier<VerificationReport> load = () -> {
            // The revocation list moved: judge the evidence read before again (a pure function of it)
            // when that settles the question; read the registry only when it cannot.
            Computed before = latest.get(base);
            if (before != null && System.nanoTime() - before.atNanos() < (before.report().anyVerified()
                    ? ttl : negativeTtl).toNanos()) {
                VerificationReport again = before.report().under(revoked);
                if (again.anyVerified() || again.complete()) {
                    rejudged.incrementAndGet();
                    return again;
                }
            }
            return fresh.get();
        };
        String key = base + "|revocations:" + revoked.version();
        SharedResults second = shared.get();
        Supplier<VerificationReport> twoLevel = second == null ? load : () -> {
            Optional<VerificationReport> stored = second.get(key);
            if (stored.isPresent()) {
                sharedHits.incrementAndGet();
                remember(base, stored.get(), System.nanoTime()); // re-judged here when revocations move
                return stored.get();
            }
            VerificationReport r = load.get();
            if (r.anyVerified() && r.problems().isEmpty()) {
                second.put(key, r, ttl);
            }
            return r;
        };
        return reports.get(key, twoLevel, r -> r.anyVerified() && r.problems().isEmpty());
    }

    @Override
    public JsonNode imageData(ImageReference image) {
        ObjectMapper json = Json.mapper();
        RawManifest top = client.manifest(image).orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND,
                "Image " + image + " does not exist in its registry"));
        ObjectNode out = json.createObjectNode();
        out.put("image", image.toString());
        out.put("resolvedImage", image.name() + "@" + top.digest());
        out.put("registry", image.registry());
        out.put("repository", image.repository());
        out.put("identifier", image.digest() != null ? image.digest().toString() : image.tag());
        RawManifest manifest = top;
        try {
            if (top.isIndex()) {
                out.set("manifestList", json.readTree(top.bytes()));
                ImageIndex index = (ImageIndex) top.parse(OciLimits.DEFAULT, image.toString());
                Platform wanted = Platform.of("linux", "amd64");
                Descriptor chosen = index.manifests().stream()
                        .filter(d -> d.platform() != null && d.platform().matches(wanted)).findFirst()
                        .orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND, "Image index " + image
                                + " has no linux/amd64 manifest"));
                manifest = client.manifest(image.pinned(chosen.digest())).orElseThrow(() -> new TrustplaneException(
                        ErrorKind.NOT_FOUND, "Image " + image + ": manifest " + chosen.digest() + " is missing"));
            }
            out.set("manifest", json.readTree(manifest.bytes()));
            if (manifest.parse(OciLimits.DEFAULT, image.toString()) instanceof ImageManifest m && m.config() != null) {
                if (m.config().size() > MAX_CONFIG_BYTES) {
                    throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "the config of " + image + " has "
                            + m.config().size() + " bytes, more than the " + MAX_CONFIG_BYTES + " read for context");
                }
                try (InputStream in = client.openBlob(image, m.config())) {
                    out.set("configData", json.readTree(in.readNBytes(MAX_CONFIG_BYTES)));
                }
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "Image " + image + " could not be read for context: "
                    + e.getMessage());
        }
        return out;
    }

    /** The largest image config an imageRegistry context entry reads. */
    private static final int MAX_CONFIG_BYTES = 4 << 20;

    /** A report as read from the registry, and when. */
    private record Computed(VerificationReport report, long atNanos) {
    }

    private void remember(String base, VerificationReport report, long at) {
        if (latest.size() >= maxEntries) {
            latest.clear();
        }
        latest.put(base, new Computed(report, at));
    }

    /** Verifications answered by judging cached evidence again under a new revocation list. */
    public long rejudged() {
        return rejudged.get();
    }
}
