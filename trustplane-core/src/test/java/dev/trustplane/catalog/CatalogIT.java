package dev.trustplane.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.debian.TestArchive;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.feedback.FeedbackLoop;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingKind;
import dev.trustplane.fleet.FindingStore;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.vuln.Severity;
import dev.trustplane.vuln.VulnDb;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continuous-patching loop offline, end to end: a Debian archive made and signed at test
 * time on loopback, the real registry, cosign. The catalog is built; a fixed openssl "lands"; the
 * watcher notices it; the plan names exactly the affected image and the CVE; the update rebuilds
 * only that image with every attestation (cosign verifies them); the other keeps its digest; the
 * timeline records both times; the OSV feed validates against the official schema.
 */
class CatalogIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.now();

    @TempDir
    static Path work;
    static TestArchive archive;
    static URI url;
    static RegistryPeer registry;
    static Path keyring;
    static Path catalogDir;
    static Path vulnDir;
    static Store store;
    static SigningKey key;
    static Path pub;

    @BeforeAll
    static void start() throws Exception {
        TestArchive.SigningKey archiveKey = TestArchive.SigningKey.generate(START.minusSeconds(7200), 0);
        archive = new TestArchive(work.resolve("archive"), archiveKey);
        archive.add("bookworm", TestArchive.deb("base-files", "12.4", "all").dir("./etc/", 0755)
                .file("./etc/debian_version", 0644, "12.4\n"));
        archive.add("bookworm", TestArchive.deb("libc6", "2.36-9", "amd64").field("Source", "glibc")
                .dir("./lib/", 0755).file("./lib/libc.so.6", 0755, "libc\n"));
        archive.add("bookworm", TestArchive.deb("libssl3", "3.0.11-1~deb12u1", "amd64").field("Source", "openssl")
                .field("Depends", "libc6").dir("./usr/lib/", 0755).file("./usr/lib/libssl.so.3", 0644, "old\n"));
        archive.add("bookworm-security", TestArchive.deb("tzdata", "2024a-0+deb12u1", "all")
                .dir("./usr/share/zoneinfo/", 0755).file("./usr/share/zoneinfo/UTC", 0644, "TZif\n"));
        archive.publish(START.minus(Duration.ofDays(2)), START.plus(Duration.ofDays(7)));
        url = archive.start();
        keyring = Files.write(work.resolve("archive.gpg"), archiveKey.publicKeyRing());
        catalogDir = Files.createDirectories(work.resolve("images"));
        spec("app-bookworm", "app", "[base-files, libssl3]");
        spec("mini-bookworm", "mini", "[base-files, tzdata]");
        registry = RegistryPeer.start(work);
        store = Store.embedded(work.resolve("trustplane.db"));
        vulnDir = work.resolve("vulndb");
        String tracker = """
                {"openssl": {
                  "CVE-2026-0001": {"description": "Heap overflow in TLS handshake.", "releases": {"bookworm":
                    {"status": "resolved", "fixed_version": "3.0.11-1~deb12u2", "urgency": "high"}}},
                  "CVE-2026-0002": {"description": "Fixed long ago.", "releases": {"bookworm":
                    {"status": "resolved", "fixed_version": "3.0.9-1", "urgency": "medium"}}},
                  "CVE-2026-0003": {"description": "Not fixed yet.", "releases": {"bookworm":
                    {"status": "open", "urgency": "low"}}}},
                 "tzdata": {"CVE-2026-0004": {"description": "Never affected.", "releases": {"bookworm":
                    {"status": "resolved", "fixed_version": "0", "urgency": "unimportant"}}}}}
                """;
        VulnDb.importTracker(vulnDir, new ByteArrayInputStream(tracker.getBytes(StandardCharsets.UTF_8)),
                "tracker.json", START, START);
        key = Keys.generate();
        pub = Files.writeString(work.resolve("catalog.pub"), Keys.publicPem(key.publicKey()));
    }

    static void spec(String file, String name, String packages) throws Exception {
        Files.writeString(catalogDir.resolve(file + ".yaml"), "name: " + name + "\nrelease: bookworm\nkeyring: "
                + keyring + "\npackages: " + packages + "\narchitectures: [amd64]\narchives:\n  - url: " + url
                + "\n    suites: [bookworm, bookworm-security]\nvariants: {dev: {enabled: false}}\n");
    }

    @AfterAll
    static void stop() {
        if (archive != null) {
            archive.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static ImageBuilder builder() {
        return new ImageBuilder(work.resolve("cache"), EventListener.NONE, Clock.systemUTC(), 2);
    }

    private static List<CatalogUpdater.Outcome> update(List<ImagePlan> plans) {
        RegistryClient client = RegistryClient.builder().insecure(Set.of(registry.host())).build();
        return new CatalogUpdater(builder(), work.resolve("cache"), () -> client, 4, new CatalogStore(store),
                VulnDb.open(vulnDir), Clock.systemUTC(), EventListener.NONE)
                .update(Catalog.load(catalogDir), plans, new CatalogUpdater.Options(registry.host() + "/catalog",
                        s -> new Signer(s, key, Clock.systemUTC()), Signer.Format.ALL, "test"));
    }

    @Test
    void shouldRebuildOnlyWhatAFixedPackageAffectsAndMeasureTimeToPatch() throws Exception {
        CatalogStore catalogStore = new CatalogStore(store);
        ArchiveWatcher watcher = new ArchiveWatcher(catalogStore, work.resolve("cache"), Clock.systemUTC(),
                EventListener.NONE);
        ArchiveWatcher.Poll first = watcher.poll(Catalog.load(catalogDir));
        assertThat(first.suites()).hasSize(2).allSatisfy(s -> {
            assertThat(s.problem()).isNull();
            assertThat(s.baseline()).isTrue();
        });

        // first publication: both images are new
        List<ImagePlan> initial = new CatalogPlanner(builder(), VulnDb.open(vulnDir)).plan(Catalog.load(catalogDir));
        assertThat(initial).extracting(ImagePlan::status).containsOnly(ImagePlan.Status.NEW);
        List<CatalogUpdater.Outcome> published = update(initial);
        assertThat(published).extracting(CatalogUpdater.Outcome::result)
                .containsOnly(CatalogUpdater.Outcome.Result.PUBLISHED);
        String appBefore = published.get(0).variants().get(0).digest();
        String miniBefore = published.get(1).variants().get(0).digest();
        assertThat(Files.exists(catalogDir.resolve("app-bookworm.lock.json"))).isTrue();

        // nothing changed: the poll is answered 304, the plan says up to date, the update publishes nothing
        int before = archive.requests();
        ArchiveWatcher.Poll quiet = watcher.poll(Catalog.load(catalogDir));
        assertThat(quiet.changed()).isFalse();
        assertThat(archive.requests() - before).isEqualTo(2);
        List<ImagePlan> unchanged = new CatalogPlanner(builder(), VulnDb.open(vulnDir)).plan(Catalog.load(catalogDir));
        assertThat(unchanged).extracting(ImagePlan::status).containsOnly(ImagePlan.Status.UP_TO_DATE);
        assertThat(update(unchanged)).extracting(CatalogUpdater.Outcome::result)
                .containsOnly(CatalogUpdater.Outcome.Result.UP_TO_DATE);

        // the fix lands in bookworm-security
        Instant landed = Instant.now().minusSeconds(90).truncatedTo(ChronoUnit.SECONDS);
        archive.add("bookworm-security", TestArchive.deb("libssl3", "3.0.11-1~deb12u2", "amd64")
                .field("Source", "openssl").field("Depends", "libc6").dir("./usr/lib/", 0755)
                .file("./usr/lib/libssl.so.3", 0644, "fixed\n"));
        archive.publish(landed, landed.plus(Duration.ofDays(7)));
        ArchiveWatcher.Poll noticed = watcher.poll(Catalog.load(catalogDir));
        // the test archive re-signs every suite; only bookworm-security carries something new
        assertThat(noticed.changed()).isTrue();
        assertThat(noticed.suites()).filteredOn(s -> s.newVersions() > 0)
                .singleElement().satisfies(s -> {
                    assertThat(s.suite()).isEqualTo("bookworm-security");
                    assertThat(s.newVersions()).isEqualTo(1);
                    assertThat(s.releaseDate()).isEqualTo(landed);
                });

        List<ImagePlan> plan = new CatalogPlanner(builder(), VulnDb.open(vulnDir)).plan(Catalog.load(catalogDir));
        ImagePlan app = plan.get(0);
        assertThat(app.status()).isEqualTo(ImagePlan.Status.CHANGED);
        assertThat(app.changes()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("libssl3");
            assertThat(c.from()).isEqualTo("3.0.11-1~deb12u1");
            assertThat(c.to()).isEqualTo("3.0.11-1~deb12u2");
        });
        assertThat(app.fixes()).extracting(ImagePlan.CveFix::cve).containsExactly("CVE-2026-0001");
        assertThat(app.fixes().get(0).severity()).isEqualTo(Severity.HIGH);
        assertThat(app.why()).startsWith("fixes CVE-2026-0001 (high) in libssl3");
        assertThat(plan.get(1).status()).isEqualTo(ImagePlan.Status.UP_TO_DATE);

        List<CatalogUpdater.Outcome> rebuilt = update(plan);
        assertThat(rebuilt.get(0).result()).isEqualTo(CatalogUpdater.Outcome.Result.PUBLISHED);
        assertThat(rebuilt.get(1).result()).isEqualTo(CatalogUpdater.Outcome.Result.UP_TO_DATE);
        String appAfter = rebuilt.get(0).variants().get(0).digest();
        assertThat(appAfter).isNotEqualTo(appBefore);
        assertThat(rebuilt.get(0).variants().get(0).previousDigest()).isEqualTo(appBefore);
        RegistryClient client = RegistryClient.builder().insecure(Set.of(registry.host())).build();
        assertThat(client.head(ImageReference.parse(registry.host() + "/catalog/app:12")).orElseThrow()
                .digest().toString()).isEqualTo(appAfter);
        assertThat(client.head(ImageReference.parse(registry.host() + "/catalog/app:latest")).orElseThrow()
                .digest().toString()).isEqualTo(appAfter);
        assertThat(client.head(ImageReference.parse(registry.host() + "/catalog/mini:12")).orElseThrow()
                .digest().toString()).isEqualTo(miniBefore);
        // the first dated tag still names the first digest; the second release of the day got its own
        assertThat(rebuilt.get(0).variants().get(0).tags()).hasSize(3).element(1).asString().endsWith(".2");

        // cosign verifies the signature and every attestation of the rebuilt image
        String ref = registry.host() + "/catalog/app@" + appAfter;
        for (List<String> args : List.of(List.of("verify"), List.of("verify-attestation", "--type", "vuln"),
                List.of("verify-attestation", "--type", "openvex"),
                List.of("verify-attestation", "--type", "slsaprovenance1"),
                List.of("verify-attestation", "--type", "cyclonedx"))) {
            List<String> cmd = new ArrayList<>(List.of(Peers.require("cosign").toString()));
            cmd.addAll(args);
            cmd.addAll(List.of("--key", pub.toString(), "--insecure-ignore-tlog", "--allow-insecure-registry", ref));
            ProcessRunner.Result r = ProcessRunner.run(cmd, Map.of("HOME", work.toString(), "TUF_ROOT",
                    work.resolve("tuf").toString()), 180, work);
            assertThat(r.exitCode()).as(args + ": " + r.stderr()).isZero();
        }

        // oras finds the release notes and the SBOMs as referrers of the new digest
        String tree = ProcessRunner.runOk(List.of(Peers.require("oras").toString(), "discover", "--plain-http",
                "--format", "tree", ref)).stdout();
        assertThat(tree).contains(ReleaseNotes.ARTIFACT_TYPE);

        // the timeline: the fix appeared when the release carrying it was dated, the image followed
        PatchTimeline timeline = PatchTimeline.of(catalogStore.fixes(), PatchTimeline.DEFAULT_SLA);
        assertThat(timeline.rows()).singleElement().satisfies(r -> {
            assertThat(r.cve()).isEqualTo("CVE-2026-0001");
            assertThat(r.appearedAt()).isEqualTo(landed);
            assertThat(r.baseline()).isFalse();
            assertThat(r.timeToPatch()).isPositive().isLessThan(Duration.ofHours(1));
            assertThat(r.withinSla()).isTrue();
        });

        // the OSV feed validates against the official schema
        Schema schema;
        try (InputStream in = getClass().getResourceAsStream("/catalog/osv-schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        Map<String, byte[]> osv = Advisories.osv(catalogStore.fixes(), catalogStore.publications(), Instant.now());
        assertThat(osv).containsOnlyKeys("x_TRUSTPLANE-app-bookworm-CVE-2026-0001");
        JsonNode record = JSON.readTree(osv.values().iterator().next());
        assertThat(schema.validate(record)).isEmpty();
        assertThat(record.at("/affected/0/ecosystem_specific/images/0/fixed_digest").asText()).isEqualTo(appAfter);
        assertThat(record.at("/affected/0/ecosystem_specific/images/0/affected_digests/0").asText())
                .isEqualTo(appBefore);
    }

    @Test
    void shouldReportBadInputPerImageAndNeverMoveATagToAHalfPublishedImage() throws Exception {
        Path dir = Files.createDirectories(work.resolve("bad"));
        Files.writeString(dir.resolve("good-bookworm.yaml"), "name: good\nrelease: bookworm\nkeyring: " + keyring
                + "\npackages: [base-files]\narchitectures: [amd64]\narchives:\n  - url: " + url
                + "\n    suites: [bookworm]\nvariants: {dev: {enabled: false}}\n");
        Files.writeString(dir.resolve("gone-bookworm.yaml"), "name: gone\nrelease: bookworm\nkeyring: " + keyring
                + "\npackages: [base-files, no-such-package]\narchitectures: [amd64]\narchives:\n  - url: " + url
                + "\n    suites: [bookworm]\nvariants: {dev: {enabled: false}}\n");
        Files.writeString(dir.resolve("broken-bookworm.yaml"), "name: broken\nrelease: bookworm\npackages: 7\n");
        Store own = Store.embedded(work.resolve("bad.db"));
        CatalogStore catalogStore = new CatalogStore(own);

        // a spec that does not parse and one that no longer resolves fail alone
        List<ImagePlan> plan = new CatalogPlanner(builder(), null).plan(Catalog.load(dir));
        assertThat(plan).extracting(p -> p.image().name() + "=" + p.status())
                .containsExactly("broken-bookworm=FAILED", "gone-bookworm=FAILED", "good-bookworm=NEW");
        assertThat(plan.get(1).problem()).contains("no longer resolves").contains("no-such-package");

        // an InRelease that fails verification: reported for that suite, nothing recorded, the state kept
        ArchiveWatcher watcher = new ArchiveWatcher(catalogStore, work.resolve("cache"), Clock.systemUTC(),
                EventListener.NONE);
        watcher.poll(Catalog.load(dir));
        CatalogStore.SuiteState before = catalogStore.suite(url.toString(), "bookworm").orElseThrow();
        byte[] real = Files.readAllBytes(archive.root().resolve("dists/bookworm/InRelease"));
        archive.override("dists/bookworm/InRelease", new String(real, StandardCharsets.UTF_8)
                .replace("Origin: Test", "Origin: Tampered").getBytes(StandardCharsets.UTF_8));
        try {
            ArchiveWatcher.Poll tampered = watcher.poll(Catalog.load(dir));
            assertThat(tampered.suites()).singleElement().satisfies(s -> {
                assertThat(s.changed()).isFalse();
                assertThat(s.problem()).isNotNull();
            });
            assertThat(catalogStore.suite(url.toString(), "bookworm").orElseThrow().inReleaseSha256())
                    .isEqualTo(before.inReleaseSha256());
            assertThat(new CatalogPlanner(builder(), null).plan(Catalog.load(dir)).get(2).problem())
                    .startsWith("cannot read its archives");
        } finally {
            archive.clearOverrides();
        }

        // evidence that cannot be stored: the image's blobs may be in the registry, but no tag moved,
        // no lockfile was written, nothing was recorded
        RegistryClient client = RegistryClient.builder().insecure(Set.of(registry.host())).build();
        List<CatalogUpdater.Outcome> failed = new CatalogUpdater(builder(), work.resolve("cache"), () -> client, 4,
                catalogStore, null, Clock.systemUTC(), EventListener.NONE).update(Catalog.load(dir),
                new CatalogPlanner(builder(), null).plan(Catalog.load(dir)), new CatalogUpdater.Options(
                        registry.host() + "/bad", s -> {
                            throw new TrustplaneException(ErrorKind.UNREACHABLE, "signing service down");
                        }, Signer.Format.ALL, "test"));
        assertThat(failed).extracting(CatalogUpdater.Outcome::result).containsExactly(
                CatalogUpdater.Outcome.Result.FAILED, CatalogUpdater.Outcome.Result.FAILED,
                CatalogUpdater.Outcome.Result.FAILED);
        assertThat(failed.get(2).reason()).contains("signing service down").contains("nothing was tagged");
        assertThat(client.head(ImageReference.parse(registry.host() + "/bad/good:12"))).isEmpty();
        assertThat(Files.exists(dir.resolve("good-bookworm.lock.json"))).isFalse();
        assertThat(catalogStore.publications()).isEmpty();

        // a registry that cannot be reached: reported, the others unaffected
        List<CatalogUpdater.Outcome> unreachable = new CatalogUpdater(builder(), work.resolve("cache"),
                () -> RegistryClient.builder().build(), 4, catalogStore, null, Clock.systemUTC(), EventListener.NONE)
                .update(Catalog.load(dir), new CatalogPlanner(builder(), null).plan(Catalog.load(dir)),
                        new CatalogUpdater.Options("127.0.0.1:" + RegistryPeer.freePort() + "/bad", null, Set.of(),
                                "test"));
        assertThat(unreachable.get(2).result()).isEqualTo(CatalogUpdater.Outcome.Result.FAILED);
        assertThat(Files.exists(dir.resolve("good-bookworm.lock.json"))).isFalse();
    }

    @Test
    void shouldRebuildACatalogImageThatADriftFindingIsAbout() throws Exception {
        Path dir = Files.createDirectories(work.resolve("loop"));
        Files.writeString(dir.resolve("mini-bookworm.yaml"), "name: mini\nrelease: bookworm\nkeyring: " + keyring
                + "\npackages: [base-files]\narchitectures: [amd64]\narchives:\n  - url: " + url
                + "\n    suites: [bookworm]\nvariants: {dev: {enabled: false}}\n");
        Store own = Store.embedded(work.resolve("loop.db"));
        RegistryClient client = RegistryClient.builder().insecure(Set.of(registry.host())).build();
        CatalogLoop loop = CatalogLoop.of(new CatalogLoop.Config(dir, own, work.resolve("cache"), () -> client, 4,
                new CatalogUpdater.Options(registry.host() + "/loop", s -> new Signer(s, key, Clock.systemUTC()),
                        Signer.Format.ALL, "test"), Duration.ofMinutes(5), vulnDir, () -> true), Clock.systemUTC(),
                EventListener.NONE);

        // the first tick polls, plans and publishes; the next one within the interval does nothing
        assertThat(loop.tick()).singleElement().satisfies(o ->
                assertThat(o.result()).isEqualTo(CatalogUpdater.Outcome.Result.PUBLISHED));
        assertThat(loop.tick()).isEmpty();
        assertThat(loop.polls()).isEqualTo(1);
        String digest = new CatalogStore(own).latest("mini-bookworm", "runtime").orElseThrow().digest();
        assertThat(Files.exists(dir.resolve("advisories/vex/mini-bookworm-runtime-amd64.openvex.json"))).isTrue();

        // the signer of the running image was revoked: drift finds it, feedback asks the catalog to rebuild
        new FindingStore(own).record(Instant.now(), List.of(new Finding(FindingKind.REVOKED_SIGNER, "prod",
                "Deployment", "web", "app", registry.host() + "/loop/mini:12", digest, digest, null, List.of(),
                "only a revoked key vouches for it", Finding.Status.OPEN, null, null, null, null, null)), f -> true);
        FeedbackLoop.Result feedback = new FeedbackLoop(own, List.of(), Clock.systemUTC(), EventListener.NONE).tick();
        assertThat(feedback.rebuildRequests()).isEqualTo(1);
        assertThat(feedback.opened()).isZero();

        // the next tick rebuilds it at once (the same lock gives the same digest), signed again, request handled
        assertThat(loop.tick()).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(CatalogUpdater.Outcome.Result.PUBLISHED);
            assertThat(o.variants().get(0).digest()).isEqualTo(digest);
            assertThat(o.reason()).contains("rebuild requested");
        });
        assertThat(new CatalogStore(own).pendingRebuilds()).isEmpty();
        assertThat(new FeedbackLoop(own, List.of(), Clock.systemUTC(), EventListener.NONE).tick().rebuildRequests())
                .isZero();
    }

    @Test
    void shouldHandRebuildsToJobsAndTakeTheLockfileTheyRecordedFromTheStore() throws Exception {
        String spec = "name: mini\nrelease: bookworm\nkeyring: " + keyring + "\npackages: [base-files]\n"
                + "architectures: [amd64]\narchives:\n  - url: " + url + "\n    suites: [bookworm]\n"
                + "variants: {dev: {enabled: false}}\n";
        Path leader = Files.createDirectories(work.resolve("jobs-leader"));
        Path pod = Files.createDirectories(work.resolve("jobs-pod")); // the Job's own copy of the catalog
        Files.writeString(leader.resolve("mini-bookworm.yaml"), spec);
        Files.writeString(pod.resolve("mini-bookworm.yaml"), spec);
        Store shared = Store.embedded(work.resolve("jobs.db"));
        RegistryClient client = RegistryClient.builder().insecure(Set.of(registry.host())).build();
        CatalogUpdater.Options options = new CatalogUpdater.Options(registry.host() + "/jobs", null, Signer.Format.ALL,
                "test");
        List<List<String>> asked = new ArrayList<>();
        // what a rebuild Job does: `catalog update` over its copy, recording the publication in the shared store
        Rebuilder jobs = (images, force, prefix) -> {
            asked.add(images);
            return CatalogLoop.of(new CatalogLoop.Config(pod, shared, work.resolve("cache"), () -> client, 4, options,
                    Duration.ofMinutes(5), vulnDir, () -> true), Clock.systemUTC(), EventListener.NONE).tick();
        };
        CatalogLoop loop = CatalogLoop.of(new CatalogLoop.Config(leader, shared, work.resolve("cache"), () -> client, 4,
                options, Duration.ofMinutes(5), vulnDir, () -> true), Clock.systemUTC(), EventListener.NONE)
                .rebuildingWith(jobs);

        assertThat(loop.tick()).singleElement().satisfies(o ->
                assertThat(o.result()).isEqualTo(CatalogUpdater.Outcome.Result.PUBLISHED));
        assertThat(asked).containsExactly(List.of("mini-bookworm"));
        assertThat(Files.readString(leader.resolve("mini-bookworm.lock.json")))
                .as("the lockfile the Job recorded, written beside the leader's spec")
                .isEqualTo(Files.readString(pod.resolve("mini-bookworm.lock.json")));
        assertThat(new CatalogStore(shared).latest("mini-bookworm", "runtime")).isPresent();
    }
}
