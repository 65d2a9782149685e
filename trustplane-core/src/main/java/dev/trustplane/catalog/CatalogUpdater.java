package dev.trustplane.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trustplane.builder.BuildResult;
import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.builder.ImagePublisher;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.vuln.VulnDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code catalog update}: rebuilds exactly the images a plan says changed (and those never
 * published to the destination), publishes each with its full evidence — SBOMs, provenance,
 * signatures, the vulnerability report, OpenVEX, release notes — then moves its tags, writes its
 * new lockfile and records the publication with the CVEs it fixed. Images are independent: one
 * that fails is reported and leaves its tags, lockfile and records untouched; the others go on.
 */
public final class CatalogUpdater {
    private final ImageBuilder builder;
    private final Path cache;
    private final Supplier<RegistryClient> registry;
    private final int parallel;
    private final CatalogStore store;
    private final VulnDb db;
    private final Clock clock;
    private final EventListener listener;
    private final Map<String, byte[]> vex = new ConcurrentSkipListMap<>();

    /**
     * @param prefix  {@code REGISTRY/PREFIX}: each image goes to {@code PREFIX/NAME} (NAME from its spec)
     * @param signers makes the signer for an image's evidence store; null publishes unsigned
     */
    public record Options(String prefix, Function<EvidenceStore, Signer> signers, Set<Signer.Format> formats,
            String builderVersion) {
    }

    /** What happened to one image. */
    public record Outcome(String image, Result result, String repository, List<Variant> variants,
            List<ImagePlan.CveFix> fixes, String reason) {
        public enum Result { PUBLISHED, UP_TO_DATE, FAILED }

        public Outcome {
            variants = List.copyOf(variants);
            fixes = List.copyOf(fixes);
        }
    }

    /** One published variant: its digest, the digest it replaces, its tags. */
    public record Variant(String variant, String digest, String previousDigest, List<String> tags) {
        public Variant {
            tags = List.copyOf(tags);
        }
    }

    public CatalogUpdater(ImageBuilder builder, Path cache, Supplier<RegistryClient> registry, int parallel,
            CatalogStore store, VulnDb db, Clock clock, EventListener listener) {
        this.builder = builder;
        this.cache = cache;
        this.registry = registry;
        this.parallel = parallel;
        this.store = store;
        this.db = db;
        this.clock = clock;
        this.listener = listener;
    }

    public List<Outcome> update(Catalog catalog, List<ImagePlan> plans, Options options) {
        return update(catalog, plans, options, Set.of());
    }

    /**
     * {@link #update(Catalog, List, Options)}, and the images named in {@code force} published
     * even when up to date: the same lock gives the same digest, signed again with today's key and
     * with its tags put back (what a rebuild request from a revoked signer or a moved tag needs).
     */
    public List<Outcome> update(Catalog catalog, List<ImagePlan> plans, Options options, Set<String> force) {
        // Images are independent: as many are published at once as there are cores (a build is CPU-bound,
        // its push and evidence wait on the registry); the outcomes keep the plan's order.
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4,
                Runtime.getRuntime().availableProcessors())), r -> Thread.ofPlatform().daemon(true)
                .name("trustplane-catalog-publish").unstarted(r));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (ImagePlan plan : plans) {
                futures.add(pool.submit(() -> one(catalog, plan, options, force)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(join(f));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome join(Future<Outcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while publishing the catalog", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Outcome one(Catalog catalog, ImagePlan plan, Options options, Set<String> force) {
        Catalog.Entry e = plan.image();
        String repository = options.prefix() + "/" + e.repository();
        if (plan.status() == ImagePlan.Status.FAILED) {
            return new Outcome(e.name(), Outcome.Result.FAILED, repository, List.of(), List.of(), plan.problem());
        }
        boolean published = store.latest(e.name(), "runtime").filter(p -> p.repository().equals(repository))
                .isPresent();
        if (!plan.rebuild() && published && !force.contains(e.name())) {
            return new Outcome(e.name(), Outcome.Result.UP_TO_DATE, repository, List.of(), List.of(), plan.why());
        }
        try {
            return publish(catalog, plan, repository, options, plan.rebuild() ? plan.why()
                    : !published ? "first publication to " + repository
                    : "rebuild requested: signed again and tags put back");
        } catch (TrustplaneException ex) {
            listener.warn(e.name() + ": not published: " + ex.getMessage());
            return new Outcome(e.name(), Outcome.Result.FAILED, repository, List.of(), List.of(),
                    ex.getMessage() + " (nothing was tagged; the lockfile is unchanged)");
        }
    }

    private Outcome publish(Catalog catalog, ImagePlan plan, String repository, Options options, String reason) {
        Catalog.Entry e = plan.image();
        Instant now = clock.instant();
        ImageReference ref = ImageReference.parse(repository + ":" + CatalogTags.version(e.spec().release()));
        RegistryClient client = registry.get();
        boolean latest = CatalogTags.newest(catalog, e.spec().name(), e.spec().release());
        Map<String, List<String>> tags = new LinkedHashMap<>();
        Map<String, String> previous = new LinkedHashMap<>();
        for (String variant : e.spec().variants()) {
            tags.put(variant, CatalogTags.tags(e.spec().release(), variant, latest, now,
                    t -> client.head(new ImageReference(ref.registry(), ref.repository(), t, null)).isPresent()));
            previous.put(variant, store.latest(e.name(), variant).map(CatalogStore.Publication::digest).orElse(null));
        }
        Function<BuildResult.Variant, ReleaseNotes> notes = v -> new ReleaseNotes(e.name(), v.name(), ref.name(),
                v.descriptor().digest().toString(), previous.get(v.name()), tags.get(v.name()), e.spec().release(),
                now, plan.changes(), plan.fixes());
        CatalogEvidence evidence = new CatalogEvidence(db, notes, options.formats(), options.builderVersion(), clock,
                listener);
        ImagePublisher.Published published = new ImagePublisher(builder, cache, () -> client, parallel, listener)
                .publish(new ImagePublisher.Request(e.spec(), plan.lock(), new Location.Registry(ref),
                        CatalogTags.version(e.spec().release()), options.signers(), options.formats(),
                        options.builderVersion(), v -> tags.get(v.name()).subList(1, tags.get(v.name()).size()),
                        evidence));
        plan.lock().write(e.lockFile());
        String lockText = new String(plan.lock().toJson(), StandardCharsets.UTF_8);
        String lockSha = Digest.sha256(plan.lock().toJson()).hex();
        List<Variant> variants = new ArrayList<>();
        for (BuildResult.Variant v : published.result().variants()) {
            String id = UUID.randomUUID().toString();
            Map<String, String> platforms = new LinkedHashMap<>();
            for (Map.Entry<String, Descriptor> m : v.manifests().entrySet()) {
                platforms.put(m.getKey(), m.getValue().digest().toString());
            }
            String digest = v.descriptor().digest().toString();
            List<String> given = tags.get(v.name());
            List<CatalogStore.Fix> fixes = new ArrayList<>();
            for (ImagePlan.CveFix f : plan.fixes()) {
                var appeared = store.appeared(f.source(), f.fixedVersion(), f.to());
                fixes.add(new CatalogStore.Fix(id, e.name(), v.name(), digest, previous.get(v.name()), f.cve(),
                        f.severity().name(), f.source(), f.fixedVersion(), f.from(),
                        appeared.map(CatalogStore.Appearance::at).orElse(null),
                        appeared.map(CatalogStore.Appearance::baseline).orElse(false), now));
            }
            store.recordPublication(new CatalogStore.Publication(id, e.name(), v.name(), e.spec().release(), digest,
                    json(platforms), ref.name(), given, lockSha, lockText, previous.get(v.name()), now), fixes);
            variants.add(new Variant(v.name(), digest, previous.get(v.name()), given));
        }
        evidence.vex().forEach((k, bytes) -> vex.put(e.name() + "-" + k, bytes));
        listener.info(e.name() + ": published " + ref.name() + " (" + reason + ")");
        return new Outcome(e.name(), Outcome.Result.PUBLISHED, ref.name(), variants, plan.fixes(), reason);
    }

    private static String json(Map<String, String> platforms) {
        try {
            return Json.mapper().writeValueAsString(platforms);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** OpenVEX per {@code IMAGE-VARIANT-ARCH} of the images published by the last {@link #update}. */
    public Map<String, byte[]> vex() {
        return vex;
    }
}
