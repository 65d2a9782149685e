package dev.trustplane.audit;

import dev.trustplane.catalog.CatalogStore;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingStore;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.fleet.RunningImage;
import dev.trustplane.fleet.RunningWorkload;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.store.Store;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.CertificateIdentity;
import dev.trustplane.verify.Trust;
import dev.trustplane.vuln.VulnDb;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The audit use case ({@code trustplane audit}): judges every distinct running digest once
 * (16 at a time), then every workload with its labels and open drift findings, ranks them by the
 * remediation rule, compares with the previous stored audit and stores this one.
 */
public final class FleetAudit {
    private final AuditConfig config;
    private final TrustedRoot root;
    private final RegistryClient client;
    private final VulnDb db;
    private final Store store;
    private final Clock clock;
    private final String rootDigest;
    private final Duration maxCacheAge;

    /** {@code root} may be null (keys only; transparency-log checks skipped); {@code db} and {@code store} may be null. */
    public FleetAudit(AuditConfig config, TrustedRoot root, RegistryClient client, VulnDb db, Store store,
            Clock clock) {
        this(config, root, null, client, db, store, clock, Duration.ZERO);
    }

    /**
     * @param rootDigest  what identifies {@code root} across runs (its file's SHA-256), for the cache
     * @param maxCacheAge how long a digest's judgement is reused from the store while its context is unchanged
     *                    (a new signature or a moved tag shows after at most this long); zero judges every digest
     */
    public FleetAudit(AuditConfig config, TrustedRoot root, String rootDigest, RegistryClient client, VulnDb db,
            Store store, Clock clock, Duration maxCacheAge) {
        this.config = config;
        this.root = root;
        this.rootDigest = rootDigest;
        this.client = client;
        this.db = db;
        this.store = store;
        this.clock = clock;
        this.maxCacheAge = maxCacheAge;
    }

    /** What a cached judgement depends on: origins and their signers, root, revocations, database, abandonment age. */
    private String context(Trust trust) {
        StringBuilder c = new StringBuilder("v1\n");
        for (AuditConfig.Origin o : config.origins()) {
            c.append(o.name()).append('|').append(o.repositories()).append('|');
            o.keys().forEach(k -> c.append(Keys.hint(k)).append(','));
            o.identities().forEach(i -> c.append(i.subject()).append('~').append(i.subjectRegex()).append('~')
                    .append(i.issuer()).append('~').append(i.issuerRegex()).append(','));
            c.append('\n');
        }
        c.append("root ").append(root == null ? "none" : String.valueOf(rootDigest)).append('\n');
        c.append("revocations ").append(trust.revocations().version()).append('\n');
        c.append("db ").append(db == null ? "none" : db.info().takenAt() + " " + db.info().importedAt()).append('\n');
        c.append("age ").append(config.maxAgeDays());
        return Digest.sha256(c.toString()).hex();
    }

    private Trust trust() {
        List<PublicKey> keys = new ArrayList<>();
        List<CertificateIdentity> identities = new ArrayList<>();
        config.origins().forEach(o -> {
            keys.addAll(o.keys());
            identities.addAll(o.identities());
        });
        if (!identities.isEmpty() && root == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The origins name keyless identities: pass"
                    + " --trusted-root trusted_root.json so their certificates can be checked");
        }
        Trust trust = new Trust(keys, identities, root, root == null, root == null);
        if (store != null) {
            trust = trust.withRevocations(new RevocationStore(store).current());
        }
        return trust;
    }

    public AuditReport run(Inventory inventory) {
        return run(inventory, true);
    }

    /**
     * The audit of {@code inventory}; {@code record} false leaves the stored audits as they are (a
     * live view compares with the last recorded audit without becoming the next one's baseline).
     */
    public AuditReport run(Inventory inventory, boolean record) {
        Instant now = clock.instant();
        Trust trust = trust();
        ImageInspector inspector = new ImageInspector(config, client, db, trust,
                store == null ? null : new CatalogStore(store));
        String context = context(trust);
        AuditStore audits = store == null ? null : new AuditStore(store);
        Map<String, ImageAudit> cached = audits == null || maxCacheAge.isZero() ? Map.of()
                : audits.cached(context, now.minus(maxCacheAge));
        // every distinct (repository, digest), with the references and workloads that run it
        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, Integer> users = new HashMap<>();
        for (RunningWorkload w : inventory.workloads()) {
            for (String key : w.images().stream().map(FleetAudit::key).distinct().toList()) {
                users.merge(key, 1, Integer::sum);
            }
            for (RunningImage i : w.images()) {
                List<String> list = refs.computeIfAbsent(key(i), k -> new ArrayList<>());
                if (!list.contains(i.image())) {
                    list.add(i.image());
                }
            }
        }
        Map<String, ImageAudit> images = inspectAll(inspector, refs, users, cached, now);
        if (audits != null) {
            audits.cache(context, images.entrySet().stream().filter(e -> !cached.containsKey(e.getKey()))
                    .map(Map.Entry::getValue).filter(i -> i.signing().state() != ImageAudit.SigningState.UNKNOWN
                            && i.vulnerabilities().known() == (db != null))
                    .filter(i -> i.digest().startsWith("sha256:")).toList(), now);
        }
        Map<String, List<WorkloadAudit.Finding>> findings = new HashMap<>();
        if (store != null) {
            for (Finding f : new FindingStore(store).list(Finding.Status.OPEN)) {
                findings.computeIfAbsent(f.namespace() + "/" + f.workloadKind() + "/" + f.workload(),
                        k -> new ArrayList<>()).add(new WorkloadAudit.Finding(f.kind().name(), f.message()));
            }
        }
        Scoring scoring = new Scoring(config.weights());
        List<WorkloadAudit> workloads = new ArrayList<>();
        for (RunningWorkload w : inventory.workloads()) {
            Map<String, String> ns = inventory.namespaceLabels().getOrDefault(w.namespace(), Map.of());
            String team = label(w, ns, config.labels().team());
            String scope = label(w, ns, config.labels().compliance());
            List<String> compliance = scope == null ? List.of() : Arrays.stream(scope.split(","))
                    .map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).sorted().toList();
            String environment = environment(label(w, ns, config.labels().environment()), w.namespace());
            List<WorkloadAudit.Container> containers = new ArrayList<>();
            List<ImageAudit> used = new ArrayList<>();
            for (RunningImage i : w.images()) {
                ImageAudit a = images.get(key(i));
                containers.add(new WorkloadAudit.Container(i.container(), i.image(), a == null ? null : a.digest(),
                        i.digest() == null ? i.digestNote() : null));
                if (a != null && !used.contains(a)) {
                    used.add(a);
                }
            }
            List<WorkloadAudit.Finding> open = findings.getOrDefault(w.namespace() + "/" + w.kind() + "/" + w.name(),
                    List.of());
            Scoring.Scored s = scoring.score(used, open, compliance, environment, now);
            workloads.add(new WorkloadAudit(w.namespace(), w.kind(), w.name(), team, compliance, environment,
                    containers, open, s.score(), s.grade(), s.reasons()));
        }
        workloads.sort(Comparator.comparingInt(WorkloadAudit::score).reversed()
                .thenComparing(w -> w.compliance().isEmpty())
                .thenComparing(w -> !"production".equals(w.environment()))
                .thenComparing(WorkloadAudit::label));
        AuditReport report = new AuditReport(now, inventory.source(), new ArrayList<>(images.values()), workloads,
                config.weights(), null);
        if (audits == null) {
            return report;
        }
        AuditReport withTrend = new AuditReport(now, inventory.source(), report.images(), workloads, config.weights(),
                audits.trend(report));
        if (record) {
            audits.record(withTrend);
        }
        return withTrend;
    }

    private Map<String, ImageAudit> inspectAll(ImageInspector inspector, Map<String, List<String>> refs,
            Map<String, Integer> users, Map<String, ImageAudit> cached, Instant now) {
        Semaphore permits = new Semaphore(16);
        Map<String, Future<ImageAudit>> futures = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<String, List<String>> e : refs.entrySet()) {
                String key = e.getKey();
                ImageAudit hit = cached.get(key);
                if (hit != null) {
                    futures.put(key, CompletableFuture.completedFuture(new ImageAudit(hit.digest(), hit.repository(),
                            e.getValue(), hit.origin(), hit.signing(), hit.vulnerabilities(), hit.distribution(),
                            hit.created(), hit.newerSince(), hit.newerDigest(), hit.abandoned(), users.get(key))));
                    continue;
                }
                futures.put(key, pool.submit(() -> {
                    permits.acquire();
                    try {
                        int at = key.indexOf('@');
                        String digest = key.substring(at + 1);
                        if (!digest.startsWith("sha256:")) {
                            return unknown(key.substring(0, at), e.getValue(), users.get(key), digest);
                        }
                        return inspector.inspect(key.substring(0, at), digest, e.getValue(), users.get(key), now);
                    } finally {
                        permits.release();
                    }
                }));
            }
            Map<String, ImageAudit> out = new LinkedHashMap<>();
            for (Map.Entry<String, Future<ImageAudit>> f : futures.entrySet()) {
                out.put(f.getKey(), join(f.getValue()));
            }
            return out;
        }
    }

    private static ImageAudit unknown(String repository, List<String> images, int workloads, String why) {
        String note = why.substring(why.indexOf(':') + 1);
        return new ImageAudit("unknown:" + images.get(0), repository, images, null,
                new ImageAudit.Signing(ImageAudit.SigningState.UNKNOWN, List.of(), note, null),
                ImageAudit.Vulnerabilities.unknown(note), null, null, null, null, null, workloads);
    }

    /** {@code repository@digest}, or {@code repository@unknown:WHY} for a container without a registry digest. */
    private static String key(RunningImage i) {
        String repository;
        try {
            repository = ImageReference.parse(i.image()).name();
        } catch (TrustplaneException e) {
            repository = i.image();
        }
        return repository + "@" + (i.digest() != null ? i.digest() : "unknown:" + (i.digestNote() == null
                ? "no digest reported" : i.digestNote()));
    }

    private static String label(RunningWorkload w, Map<String, String> namespace, String key) {
        String v = w.labels().get(key);
        if (v == null && w.owner() != null) {
            v = w.owner().path("spec").path("template").path("metadata").path("labels").path(key).asText(null);
        }
        return v != null ? v : namespace.get(key);
    }

    /** The environment label, else guessed from the namespace name; normalised to production, staging, development. */
    static String environment(String label, String namespace) {
        String v = (label != null ? label : namespace).toLowerCase(Locale.ROOT);
        if (v.matches("prod|production|prd|.*-prod|.*-production|prod-.*")) {
            return "production";
        }
        if (v.matches("stag|staging|stage|.*-staging|.*-stage|staging-.*")) {
            return "staging";
        }
        if (v.matches("dev|development|test|qa|.*-dev|.*-test|dev-.*")) {
            return "development";
        }
        return label != null ? v : "unknown";
    }

    private static ImageAudit join(Future<ImageAudit> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while auditing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
