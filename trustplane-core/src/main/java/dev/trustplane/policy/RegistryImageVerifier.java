package dev.trustplane.policy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.verify.Revocations;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Resolves tags and verifies evidence in registries (or OCI layouts named {@code oci:DIR}),
 * through two caches shared by every rule and request: verification reports keyed by
 * (evidence repository, digest, kind, predicate type, attestor trust hash, revocation list
 * version) — everything that decides which checks ran and how, so a hit never stands in for a check it did not cover — and tag
 * resolutions keyed by the reference. Conditions on attestations are never cached: they are
 * evaluated on the cached statements every time.
 */
public final class RegistryImageVerifier implements ImageVerifier {
    private final RegistryClient client;
    private final VerifierLimits limits;
    private final ResultCache<VerificationReport> reports;
    private final ResultCache<Digest> tags;
    private final Supplier<Revocations> revocations;

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
        this.limits = limits;
        this.reports = new ResultCache<>(ttl, negativeTtl, maxEntries);
        this.tags = new ResultCache<>(tagTtl, tagTtl, maxEntries);
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
        return useCache ? tags.get(image.toString(), load, d -> true) : load.get();
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
        String key = (repository == null ? image.name() : repository) + "@" + digest + "|"
                + (predicateType == null ? "sig" : "att:" + predicateType) + "|" + attestor.trustHash() + "|revocations:"
                + revoked.version();
        Supplier<VerificationReport> load = () -> {
            Verifier verifier = new Verifier(EvidenceStore.open(where, client),
                    attestor.trust().withRevocations(revoked), limits);
            return predicateType == null ? verifier.firstVerifiedSignature(image.name(), digest)
                    : verifier.attestations(image.name(), digest, predicateType);
        };
        return useCache ? reports.get(key, load, r -> r.anyVerified() && r.problems().isEmpty()) : load.get();
    }
}
