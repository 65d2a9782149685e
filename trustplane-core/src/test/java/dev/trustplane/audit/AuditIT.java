package dev.trustplane.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingKind;
import dev.trustplane.fleet.FindingStore;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.vuln.VulnDb;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet audit over a fleet built from real material in the real registry: images built and
 * signed by the platform team's key, one signed by an untrusted vendor key, one unsigned, one in
 * the team's repositories but signed by another origin, one whose tag moved on to a newer build,
 * one that cannot be reached; a trivy-written SBOM (buster and bookworm packages) attached as the
 * referrer, CVEs from a tracker fixture; workloads with team, compliance and environment labels;
 * an open drift finding. Grades, cross-tables and the remediation order are asserted exactly.
 */
class AuditIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    static Path work;
    static RegistryPeer registry;
    static RegistryClient client;
    static SigningKey team;
    static SigningKey vendor;
    static SigningKey other;
    static String host;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryPeer.start(work);
        host = registry.host();
        client = RegistryClient.builder().insecure(Set.of(host)).build();
        team = Keys.generate();
        vendor = Keys.generate();
        other = Keys.generate();
        Files.writeString(work.resolve("team.pub"), Keys.publicPem(team.publicKey()));
        Files.writeString(work.resolve("other.pub"), Keys.publicPem(other.publicKey()));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    /** Pushes an image built at {@code created} with an SBOM referrer, signed by {@code key} (or unsigned). */
    static String push(String repo, String tag, Instant created, String sbom, SigningKey key, long seed) {
        return AuditImages.push(client, ImageReference.parse(host + "/" + repo + ":" + tag), created,
                sbom == null ? null : sbom.getBytes(StandardCharsets.UTF_8), key, seed);
    }

    static String sbom(String distro, String... packages) {
        StringBuilder components = new StringBuilder();
        for (String p : packages) {
            String[] nv = p.split("=");
            String[] src = nv.length > 2 ? nv[2].split("@") : new String[] {nv[0], nv[1]};
            components.append(components.length() == 0 ? "" : ",").append("{\"type\":\"library\",\"name\":\"")
                    .append(nv[0]).append("\",\"version\":\"").append(nv[1]).append("\",\"purl\":\"pkg:deb/debian/")
                    .append(nv[0]).append('@').append(nv[1]).append("?arch=amd64&distro=").append(distro)
                    .append("\",\"properties\":[{\"name\":\"aquasecurity:trivy:SrcName\",\"value\":\"").append(src[0])
                    .append("\"},{\"name\":\"aquasecurity:trivy:SrcVersion\",\"value\":\"").append(src[1])
                    .append("\"}]}");
        }
        return "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"metadata\":{\"component\":"
                + "{\"type\":\"container\",\"name\":\"x\"}},\"components\":[" + components + "]}";
    }

    static String pod(String ns, String name, String image, String digest, Map<String, String> labels) {
        String repo = image.substring(0, image.lastIndexOf(':'));
        StringBuilder l = new StringBuilder();
        labels.forEach((k, v) -> l.append(l.length() == 0 ? "" : ",").append('"').append(k).append("\":\"").append(v)
                .append('"'));
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
                + "\",\"labels\":{" + l + "}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"" + image
                + "\"}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"app\",\"image\":\""
                + image + "\",\"imageID\":\"docker-pullable://" + repo + "@" + digest + "\"}]}}";
    }

    @Test
    void shouldRankTheFleetWithReasons() throws Exception {
        String bookworm = sbom("debian-12", "libssl3=3.0.11-1~deb12u2=openssl@3.0.11-1~deb12u2",
                "zlib1g=1:1.2.13.dfsg-1=zlib@1:1.2.13.dfsg-1", "libc6=2.36-9+deb12u3=glibc@2.36-9+deb12u3");
        String clean = sbom("debian-12", "libc6=2.36-9+deb12u9=glibc@2.36-9+deb12u9");
        String buster = sbom("debian-10", "libc6=2.28-10+deb10u2=glibc@2.28-10+deb10u2");
        String payments = push("team/payments", "1.4", NOW.minus(Duration.ofDays(10)), bookworm, team, 1);
        String web = push("team/web", "2.0", NOW.minus(Duration.ofDays(3)), clean, team, 2);
        String vendorImage = push("vendor/agent", "5", NOW.minus(Duration.ofDays(40)), clean, vendor, 3);
        String unsigned = push("team/batch", "1", NOW.minus(Duration.ofDays(5)), clean, null, 4);
        String legacy = push("team/legacy", "0.9", NOW.minus(Duration.ofDays(900)), buster, team, 5);
        String mismatch = push("team/cache", "7", NOW.minus(Duration.ofDays(2)), clean, other, 6);
        String old = push("team/api", "3", NOW.minus(Duration.ofDays(120)), clean, team, 7);
        push("team/api", "3", NOW.minus(Duration.ofDays(100)), clean, team, 8); // the tag moved on 100 days ago
        Path tracker = Files.writeString(work.resolve("tracker.json"), """
                {"openssl": {"CVE-2026-1000": {"description": "TLS heap overflow", "releases": {"bookworm":
                   {"status": "resolved", "fixed_version": "3.0.15-1~deb12u1", "urgency": "high"}}}},
                 "zlib": {"CVE-2026-2000": {"description": "inflate overflow", "releases": {"bookworm":
                   {"status": "open", "urgency": "high"}}}},
                 "glibc": {"CVE-2026-3000": {"description": "fixed long ago", "releases": {"bookworm":
                   {"status": "resolved", "fixed_version": "2.36-9+deb12u4", "urgency": "medium"},
                   "buster": {"status": "resolved", "fixed_version": "2.28-10+deb10u3", "urgency": "high"}}}}}
                """);
        Path dbDir = work.resolve("db");
        try (InputStream in = Files.newInputStream(tracker)) {
            VulnDb.importTracker(dbDir, in, "tracker.json", NOW, NOW);
        }
        String pci = "\"trustplane.dev/compliance\":\"pci\"";
        List<String> items = new ArrayList<>(List.of(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"payments\",\"labels\":{"
                        + "\"trustplane.dev/team\":\"payments\"," + pci + ",\"trustplane.dev/environment\":\"prod\"}}}",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\",\"labels\":{"
                        + "\"trustplane.dev/team\":\"web\"}}}",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"staging\",\"labels\":{}}}",
                pod("payments", "checkout", host + "/team/payments:1.4", payments, Map.of()),
                pod("payments", "agent", host + "/vendor/agent:5", vendorImage, Map.of()),
                pod("shop", "web", host + "/team/web:2.0", web, Map.of()),
                pod("shop", "batch", host + "/team/batch:1", unsigned, Map.of()),
                pod("shop", "legacy", host + "/team/legacy:0.9", legacy, Map.of()),
                pod("staging", "cache", host + "/team/cache:7", mismatch, Map.of("trustplane.dev/team", "platform")),
                pod("staging", "api", host + "/team/api:3", old, Map.of("trustplane.dev/team", "platform")),
                pod("staging", "gone", "127.0.0.1:1/team/gone:1", "sha256:" + "e".repeat(64), Map.of())));
        Inventory inventory = Inventory.of(items.stream().map(AuditIT::tree).toList(), "fleet.json", NOW);
        Store store = Store.embedded(work.resolve("audit.db"));
        new FindingStore(store).record(NOW, List.of(new Finding(FindingKind.NOT_ADMITTED, "shop", "Pod", "batch",
                "app", host + "/team/batch:1", unsigned, null, null, List.of(), "never admitted", Finding.Status.OPEN,
                null, null, null, null, null)), f -> true);
        AuditConfig config = AuditConfig.parse(("origins:\n"
                + "  - name: platform-team\n    repositories: [\"" + host + "/team/*\"]\n    keys: [team.pub]\n"
                + "  - name: other-team\n    repositories: [\"" + host + "/other/**\"]\n    keys: [other.pub]\n"
                + "  - name: vendor\n    repositories: [\"" + host + "/vendor/*\"]\n"
                + "maxAgeDays: 365\n").getBytes(StandardCharsets.UTF_8), "origins.yaml", work);
        AuditReport report = new FleetAudit(config, null, client, VulnDb.open(dbDir), store,
                Clock.fixed(NOW, ZoneOffset.UTC)).run(inventory);

        assertThat(report.workloads()).extracting(w -> w.name() + " " + w.grade() + " " + w.score()).containsExactly(
                "agent F 113", "legacy D 45", "batch C 35", "gone C 25", "api C 20", "cache B 15", "checkout B 9",
                "web A 0");
        WorkloadAudit agent = report.workloads().get(0);
        assertThat(agent.reasons()).extracting(WorkloadAudit.Reason::text).containsExactly(
                host + "/vendor/agent:5 is signed but no signature verifies (signature: does not verify with any of"
                        + " the 2 given keys)",
                "regulated data (pci) on an image no trusted signer vouches for", "×1.5 production",
                "×1.25 compliance scope pci");
        assertThat(report.workloads().get(6).reasons()).extracting(WorkloadAudit.Reason::text).containsExactly(
                "1 high CVE(s) with a fix in " + host + "/team/payments:1.4", "×1.5 production",
                "×1.25 compliance scope pci");
        assertThat(report.workloads().get(1).reasons()).extracting(WorkloadAudit.Reason::text).containsExactly(
                "abandoned base: " + host + "/team/legacy:0.9 — Debian buster reached its end of life on 2024-06-30",
                "1 high CVE(s) with a fix in " + host + "/team/legacy:0.9");
        assertThat(report.workloads().get(2).reasons()).extracting(WorkloadAudit.Reason::rule)
                .containsExactly("unsigned", "notAdmitted");
        // a registry that cannot be reached is unknown, never unsigned nor clean
        assertThat(report.workloads().get(3).reasons()).extracting(WorkloadAudit.Reason::rule)
                .containsExactly("signingUnknown", "vulnerabilitiesUnknown");
        assertThat(report.workloads().get(4).reasons().get(0).text()).startsWith(host + "/team/api:3 is 100 days"
                + " behind a newer build");
        assertThat(report.workloads().get(5).reasons().get(0).text()).isEqualTo(host + "/team/cache:7 lives in"
                + " platform-team's repositories but no signer of platform-team verified it");
        assertThat(report.grades()).containsExactlyInAnyOrderEntriesOf(Map.of("A", 1, "B", 2, "C", 3, "D", 1, "F", 1));
        assertThat(report.originBySigning()).containsEntry("platform-team", Map.of("VERIFIED", 5, "UNVERIFIED", 0,
                "UNSIGNED", 1, "UNKNOWN", 0)).containsEntry("vendor", Map.of("VERIFIED", 0, "UNVERIFIED", 1,
                "UNSIGNED", 0, "UNKNOWN", 0)).containsEntry("(no origin)", Map.of("VERIFIED", 0, "UNVERIFIED", 0,
                "UNSIGNED", 0, "UNKNOWN", 1));
        assertThat(report.teams()).extracting(g -> g.name() + " " + g.workloads() + " " + g.unverified())
                .containsExactly("(no team) 1 1", "payments 2 1", "platform 2 0", "web 3 1");
        assertThat(report.trend()).isNull();

        // the JSON has the documented shape
        Schema schema;
        try (InputStream in = Files.newInputStream(Path.of("../docs/schemas/audit-v1.json"))) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        JsonNode json = JSON.readTree(AuditJson.text(report));
        assertThat(schema.validate(json)).isEmpty();
        assertThat(json.at("/remediation/0/workload").asText()).isEqualTo("Pod payments/agent");

        // the next audit after the batch job is signed: one better
        new Signer(EvidenceStore.open(new Location.Registry(ImageReference.parse(host + "/team/batch@" + unsigned)),
                client), team, Clock.systemUTC()).sign(Descriptor.of(MediaTypes.OCI_MANIFEST,
                Digest.parse(unsigned), client.head(ImageReference.parse(host + "/team/batch@"
                + unsigned)).orElseThrow().size()), Map.of(), Set.of(Signer.Format.TAG));
        AuditReport second = new FleetAudit(config, null, client, VulnDb.open(dbDir), store,
                Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC)).run(inventory);
        assertThat(second.trend().better()).isEqualTo(1);
        assertThat(second.trend().worse()).isZero();
        assertThat(second.trend().changes()).containsExactly(new AuditReport.Change("Pod shop/batch", "C", "B"));
        Files.write(work.resolve("audit.html"), AuditHtml.render(second));

        // from the store: a digest judged within --cache-age is not asked again — with the registry gone,
        // every image but the unreachable one (never cached) keeps its judgement
        registry.close();
        AuditReport warm = new FleetAudit(config, null, null, client, VulnDb.open(dbDir), store,
                Clock.fixed(NOW.plusSeconds(3600 + 1800), ZoneOffset.UTC), Duration.ofHours(1)).run(inventory);
        assertThat(warm.workloads()).extracting(w -> w.name() + " " + w.grade()).containsExactlyElementsOf(
                second.workloads().stream().map(w -> w.name() + " " + w.grade()).toList());
        AuditReport stale = new FleetAudit(config, null, null, client, VulnDb.open(dbDir), store,
                Clock.fixed(NOW.plusSeconds(3600 + 3700), ZoneOffset.UTC), Duration.ofHours(1)).run(inventory);
        assertThat(stale.signingStates()).containsEntry("UNKNOWN", 8);
    }

    /**
     * An SBOM in the shape trivy writes (its source-package properties, a point-release distro
     * qualifier; resources/vuln, see its README) as the image's referrer, judged with the tracker fixture.
     */
    @Test
    void shouldReadTheVulnerabilitiesOfAnImageFromATrivyShapedSbom() throws Exception {
        Path own = Files.createDirectories(work.resolve("trivy"));
        try (RegistryPeer peer = RegistryPeer.start(own);
             InputStream sbom = AuditIT.class.getResourceAsStream("/vuln/trivy-bookworm.cdx.json");
             InputStream feed = AuditIT.class.getResourceAsStream("/vuln/tracker-semantics.json")) {
            RegistryClient c = RegistryClient.builder().insecure(Set.of(peer.host())).build();
            String digest = AuditImages.push(c, ImageReference.parse(peer.host() + "/vendor/app:1"),
                    NOW.minus(Duration.ofDays(3)), sbom.readAllBytes(), null, 42);
            VulnDb.importTracker(own.resolve("db"), feed, "tracker-semantics.json", NOW, NOW);
            Inventory inventory = Inventory.of(List.of(tree(pod("prod", "app", peer.host() + "/vendor/app:1", digest,
                    Map.of()))), "trivy.json", NOW);
            ImageAudit image = new FleetAudit(AuditConfig.defaults(), null, c, VulnDb.open(own.resolve("db")), null,
                    Clock.fixed(NOW, ZoneOffset.UTC)).run(inventory).images().get(0);
            assertThat(image.distribution()).isEqualTo("bookworm");
            assertThat(image.vulnerabilities().known()).isTrue();
            assertThat(image.vulnerabilities().total()).isPositive();
            assertThat(image.signing().state()).isEqualTo(ImageAudit.SigningState.UNSIGNED);
        }
    }

    @Test
    void shouldAuditPodsOfKindsItDoesNotKnowAndNeverCallTheUnreachableClean() {
        String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"canary-7f9c-x1\","
                + "\"namespace\":\"prod\",\"ownerReferences\":[{\"apiVersion\":\"argoproj.io/v1alpha1\","
                + "\"kind\":\"Rollout\",\"name\":\"canary\",\"controller\":true}]},\"spec\":{\"containers\":"
                + "[{\"name\":\"app\",\"image\":\"127.0.0.1:1/team/app:1\"}]},\"status\":{\"phase\":\"Running\","
                + "\"containerStatuses\":[{\"name\":\"app\",\"image\":\"127.0.0.1:1/team/app:1\",\"imageID\":"
                + "\"docker-pullable://127.0.0.1:1/team/app@sha256:" + "c".repeat(64) + "\"}]}}";
        String widget = "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
                + "\"namespace\":\"prod\"}}";
        String pending = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"starting\",\"namespace\":"
                + "\"prod\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.example.com/x:1\"}]},"
                + "\"status\":{\"phase\":\"Pending\"}}";
        Inventory inventory = Inventory.of(List.of(tree(pod), tree(widget), tree(pending)), "odd.json", NOW);
        AuditReport report = new FleetAudit(AuditConfig.defaults(), null, RegistryClient.builder().build(), null,
                null, Clock.fixed(NOW, ZoneOffset.UTC)).run(inventory);
        assertThat(report.workloads()).extracting(WorkloadAudit::label)
                .containsExactlyInAnyOrder("Rollout prod/canary", "Pod prod/starting");
        assertThat(report.images()).allSatisfy(i -> {
            assertThat(i.signing().state()).isEqualTo(ImageAudit.SigningState.UNKNOWN);
            assertThat(i.vulnerabilities().known()).isFalse();
        });
        assertThat(report.workloads()).allSatisfy(w -> assertThat(w.grade()).isNotEqualTo("A"));
        WorkloadAudit starting = report.workloads().stream().filter(w -> w.name().equals("starting")).findFirst()
                .orElseThrow();
        assertThat(starting.containers().get(0).note()).isNotBlank();
    }

    @Test
    void shouldReportEveryProblemOfAnOriginsFileAtOnce() {
        assertThatThrownBy(() -> AuditConfig.parse(("origins:\n  - name: a\n    repositories: []\n"
                + "  - name: a\n    repositories: [x/*]\n    keys: [missing.pub]\n    identities: [{subject: s}]\n"
                + "weights: {unsigned: -1, bogus: 3}\nextra: 1\n").getBytes(StandardCharsets.UTF_8), "origins.yaml",
                work)).isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("origins.yaml has 7 problems")
                .hasMessageContaining("unknown key `extra`")
                .hasMessageContaining("origins[0]: `repositories` lists no pattern")
                .hasMessageContaining("origins[1]: the name `a` is used twice")
                .hasMessageContaining("missing.pub")
                .hasMessageContaining("origins[1].identities[0]: give `subject` or `subjectRegexp`, and `issuer`")
                .hasMessageContaining("weights: unknown weight `bogus`")
                .hasMessageContaining("weights.unsigned must be a whole number");
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
