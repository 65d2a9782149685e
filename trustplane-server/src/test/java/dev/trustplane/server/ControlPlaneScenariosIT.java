package dev.trustplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.admission.AdmissionController;
import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.audit.AuditConfig;
import dev.trustplane.audit.FleetAudit;
import dev.trustplane.event.EventListener;
import dev.trustplane.fleet.DriftPass;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingKind;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.fleet.KubernetesInventory;
import dev.trustplane.fleet.ReportPublisher;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.VerifierLimits;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The four governance failures of CONTROL-PLANE.md end to end: the real registry (signed and
 * unsigned images), the real webhook (AdmissionServer over HTTPS) writing the real ledger (SQLite),
 * what runs in fabric8's CRUD mock of the Kubernetes API (no API server runs here), and a drift
 * pass reading it through the API. Each scenario must end in the right finding for the right
 * workload, and nothing else may be found.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneScenariosIT {
    static KubernetesClient kube;
    static KubernetesMockServer kubeServer;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static RegistryPeer registry;
    static RegistryClient client;
    static AdmissionController controller;
    static AdmissionServer server;
    static HttpClient https;
    static Store store;
    static Path policies;
    static SigningKey oldKey;
    static Path oldPub;
    static ImageReference web1;
    static ImageReference web2;
    static ImageReference api;
    static ImageReference base1;
    static ImageReference base2;
    static ImageReference debug;
    static ImageReference hotfix;
    static DriftPass.Result first;

    @BeforeAll
    static void world() throws Exception {
        registry = RegistryPeer.start(work);
        client = RegistryClient.builder().build();
        oldKey = Keys.generate();
        SigningKey newKey = Keys.generate();
        SigningKey vendor = Keys.generate();
        oldPub = Files.writeString(work.resolve("old.pub"), Keys.publicPem(oldKey.publicKey()));

        web1 = push("shop/web", 1);
        sign(web1, newKey);
        api = push("shop/api", 2);
        sign(api, oldKey);
        base1 = push("vendor/base", 3);
        sign(base1, vendor);
        debug = push("debug/app", 4);
        hotfix = push("shop/hotfix", 5);

        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: signed-images}
                spec:
                  validationFailureAction: Enforce
                  webhookTimeoutSeconds: 10
                  rules:
                    - name: signed
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["REGISTRY/shop/*", "REGISTRY/vendor/*"]
                          mutateDigest: false
                          verifyDigest: false
                          attestors:
                            - count: 1
                              entries:
                                - keys:
                                    publicKeys: |-
                OLD
                                    rekor: {ignoreTlog: true}
                                - keys:
                                    publicKeys: |-
                NEW
                                    rekor: {ignoreTlog: true}
                                - keys:
                                    publicKeys: |-
                VENDOR
                                    rekor: {ignoreTlog: true}
                ---
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: debug-builds}
                spec:
                  validationFailureAction: Audit
                  rules:
                    - name: signed
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["REGISTRY/debug/*"]
                          mutateDigest: false
                          verifyDigest: false
                          attestors:
                            - entries:
                                - keys:
                                    publicKeys: |-
                NEW
                                    rekor: {ignoreTlog: true}
                """.replace("REGISTRY", registry.host())
                .replace("OLD", pem(oldKey, 22)).replace("NEW", pem(newKey, 22)).replace("VENDOR", pem(vendor, 22));
        policies = Files.createDirectories(work.resolve("policies"));
        Files.writeString(policies.resolve("policies.yaml"), policy);

        store = Store.embedded(work.resolve("state/trustplane.db"));
        controller = AdmissionController.open(new AdmissionController.Config(policies, new PolicyLoader(null, null),
                Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMillis(1), 1000, store,
                null, null, null), client, EventListener.NONE);
        WebhookCertificates.Material certs = WebhookCertificates.generate(List.of("127.0.0.1"), Duration.ofDays(1));
        Path cert = Files.writeString(work.resolve("tls.crt"), certs.certificate());
        Path key = Files.writeString(work.resolve("tls.key"), certs.key());
        server = AdmissionServer.serve(controller, new AdmissionServer.Options("127.0.0.1", 0, cert, key, "test", null,
                () -> new FleetAudit(AuditConfig.defaults(), null, null, client, null, store, Clock.systemUTC(),
                        Duration.ofHours(1)).run(new KubernetesInventory(URI.create(kube.getMasterUrl().toString()), null,
                        null, null, null).read(), false)), EventListener.NONE);
        https = HttpClient.newBuilder().sslContext(WebhookCertificates.trusting(certs.caCertificate(), "the test CA"))
                .build();

        // Admission, through the real webhook.
        assertThat(admit("web", tag(web1), Map.of())).as("web v1").isTrue();
        assertThat(admit("api", tag(api), Map.of())).as("api").isTrue();
        assertThat(admit("base", tag(base1), Map.of())).as("vendor base").isTrue();
        assertThat(admit("debug", tag(debug), Map.of())).as("debug build, Audit only").isTrue();
        assertThat(admit("hotfix", tag(hotfix), Map.of())).as("unsigned hotfix").isFalse();
        Map<String, String> breakGlass = Map.of("trustplane.dev/break-glass", "INC-42",
                "trustplane.dev/break-glass-expires", Instant.now().plus(1, ChronoUnit.DAYS).toString());
        assertThat(admit("hotfix", tag(hotfix), breakGlass)).as("hotfix under break-glass").isTrue();
        // Failure 2: a newer build is pushed under the same tag and admitted by a rollout…
        web2 = push("shop/web", 11);
        sign(web2, newKey);
        assertThat(admit("web", tag(web2), Map.of("rollout", "2"))).as("web v2").isTrue();
        // Failure 4: the vendor pushes an unsigned base under the same tag.
        base2 = push("vendor/base", 13);

        // What runs: in the Kubernetes API.
        deployment("web", Map.of(), tag(web1));
        replicaSet("web", "web-aaa");
        pod("web-aaa-1", "ReplicaSet", "web-aaa", tag(web1), web1.digest().toString()); // …but an old pod still runs v1
        replicaSet("web", "web-bbb");
        pod("web-bbb-1", "ReplicaSet", "web-bbb", tag(web2), web2.digest().toString());
        deployment("api", Map.of(), tag(api));
        replicaSet("api", "api-aaa");
        pod("api-aaa-1", "ReplicaSet", "api-aaa", tag(api), api.digest().toString());
        deployment("base", Map.of(), tag(base1));
        replicaSet("base", "base-aaa");
        pod("base-aaa-1", "ReplicaSet", "base-aaa", tag(base1), base1.digest().toString());
        deployment("debug", Map.of(), tag(debug));
        replicaSet("debug", "debug-aaa");
        pod("debug-aaa-1", "ReplicaSet", "debug-aaa", tag(debug), debug.digest().toString());
        deployment("hotfix", breakGlass, tag(hotfix));
        replicaSet("hotfix", "hotfix-aaa");
        pod("hotfix-aaa-1", "ReplicaSet", "hotfix-aaa", tag(hotfix), hotfix.digest().toString());
        pod("rogue", null, null, web2.toString(), web2.digest().toString()); // created around the webhook
        kube.resource("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"prod\"}}").create();
        waitForLedger();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void shouldDenyARevokedKeyAtTheVeryNextAdmissionDespiteAWarmCache() throws Exception {
        assertThat(admit("api", tag(api), Map.of("again", "1"))).as("warm: admitted").isTrue();

        new RevocationStore(store).revokeKey(Keys.readPublic(Files.readAllBytes(oldPub), "old.pub"),
                Files.readString(oldPub), null, "key leaked in CI logs", "test");

        JsonNode answer = review("api", tag(api), Map.of("again", "2"));
        assertThat(answer.path("response").path("allowed").asBoolean()).isFalse();
        assertThat(answer.path("response").path("status").path("message").asText())
                .contains("revoked for every signature (revocation 1").contains("key leaked in CI logs");
        waitForLedger();
    }

    @Test
    @Order(2)
    void shouldEndEachGovernanceFailureInItsFindingForItsWorkload() {
        first = pass();

        assertThat(first.incomplete()).isEmpty();
        assertThat(first.seen()).extracting(f -> f.kind() + " " + f.workloadLabel()).containsExactlyInAnyOrder(
                "POLICY_REGRESSION Deployment prod/debug",   // 1. a debug build in through Audit
                "DIGEST_DRIFT Deployment prod/web",          // 2. an old digest still runs
                "REVOKED_SIGNER Deployment prod/api",        // 3. only a revoked key vouches for it
                "TAG_MOVED Deployment prod/base",            // 4. the vendor's tag moved to an unsigned digest
                "BREAK_GLASS Deployment prod/hotfix",
                "NOT_ADMITTED Pod prod/rogue");
        Finding drift = find(first, FindingKind.DIGEST_DRIFT);
        assertThat(drift.container()).isEqualTo("containers[0] (app)");
        assertThat(drift.runningDigest()).isEqualTo(web1.digest().toString());
        assertThat(drift.admittedDigest()).isEqualTo(web2.digest().toString());
        assertThat(drift.message()).contains("pods from before the update still run");
        Finding revoked = find(first, FindingKind.REVOKED_SIGNER);
        assertThat(revoked.runningDigest()).isEqualTo(api.digest().toString());
        assertThat(revoked.signers()).singleElement().asString().contains("key leaked in CI logs");
        Finding moved = find(first, FindingKind.TAG_MOVED);
        assertThat(moved.runningDigest()).isEqualTo(base1.digest().toString());
        assertThat(moved.tagDigest()).isEqualTo(base2.digest().toString());
        assertThat(find(first, FindingKind.POLICY_REGRESSION).message()).contains("only because the rule was in Audit");
        assertThat(find(first, FindingKind.BREAK_GLASS).message()).contains("INC-42");
        assertThat(first.open()).hasSize(6).allMatch(f -> f.status() == Finding.Status.OPEN);
    }

    @Test
    @Order(3)
    void shouldPublishTheFindingsAsAPolicyReportPolicyReporterReads() {
        KubernetesInventory cluster = new KubernetesInventory(URI.create(kube.getMasterUrl().toString()), null, null,
                null, null);
        ReportPublisher publisher = new ReportPublisher(cluster);
        publisher.accept(first);
        publisher.accept(first); // replaced, not duplicated

        ResourceDefinitionContext reports = new ResourceDefinitionContext.Builder().withGroup("wgpolicyk8s.io")
                .withVersion("v1alpha2").withKind("PolicyReport").withPlural("policyreports").withNamespaced(true).build();
        assertThat(kube.genericKubernetesResources(reports).inNamespace("prod").list().getItems()).hasSize(1);
        GenericKubernetesResource report = kube.genericKubernetesResources(reports).inNamespace("prod")
                .withName("trustplane-drift").get();
        assertThat(report).isNotNull();
        JsonNode json = JSON.valueToTree(report);
        assertThat(json.path("summary").path("fail").asInt()).isEqualTo(5);
        assertThat(json.path("summary").path("warn").asInt()).isEqualTo(1);
        assertThat(json.path("results")).hasSize(6);
        JsonNode revoked = null;
        for (JsonNode r : json.path("results")) {
            if (r.path("rule").asText().equals("REVOKED_SIGNER")) {
                revoked = r;
            }
        }
        assertThat(revoked).isNotNull();
        assertThat(revoked.path("policy").asText()).isEqualTo("trustplane-drift");
        assertThat(revoked.path("result").asText()).isEqualTo("fail");
        assertThat(revoked.path("severity").asText()).isEqualTo("critical");
        assertThat(revoked.path("resources").get(0).path("kind").asText()).isEqualTo("Deployment");
        assertThat(revoked.path("resources").get(0).path("name").asText()).isEqualTo("api");
        assertThat(revoked.path("properties").path("runningDigest").asText()).isEqualTo(api.digest().toString());
    }

    @Test
    @Order(4)
    void shouldUpdateNotDuplicateOnTheNextPassAndResolveWhatIsGone() {
        kube.pods().inNamespace("prod").withName("rogue").delete();
        DriftPass.Result second = pass();

        assertThat(second.open()).hasSize(5);
        assertThat(second.open()).extracting(Finding::kind).doesNotContain(FindingKind.NOT_ADMITTED);
        Finding drift = find(second, FindingKind.DIGEST_DRIFT);
        assertThat(drift.firstSeen()).isEqualTo(find(first, FindingKind.DIGEST_DRIFT).firstSeen());
        assertThat(drift.lastSeen()).isAfterOrEqualTo(drift.firstSeen());
    }

    @Test
    @Order(5)
    void shouldShowTheControlPlaneInTheConsole() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Peers.require("chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600", "--user-data-dir=" + work.resolve("chromium"));
        options.setAcceptInsecureCerts(true);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(
                new File(Peers.require("chromedriver").toString())).usingAnyFreePort().build(), options);
        String base = "https://127.0.0.1:" + server.port();
        Path shots = Files.createDirectories(Path.of("target/screenshots"));
        try {
            driver.get(base + "/ui/");
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Trustplane console");

            // the ledger, read from /api/v1/ledger, filtered to denials in place
            driver.get(base + "/ui/ledger");
            String all = until(driver, "status", "decisions");
            driver.findElement(By.name("allowed")).sendKeys("denied");
            driver.findElement(By.cssSelector("#f button")).click();
            String denied = until(driver, "status", "decisions");
            assertThat(denied).isNotEqualTo(all);
            assertThat(driver.findElements(By.cssSelector("#rows tr"))).isNotEmpty().allSatisfy(row ->
                    assertThat(row.getText()).contains("denied"));
            assertThat(driver.findElement(By.id("rows")).getText()).contains("hotfix");
            screenshot(driver, shots.resolve("console-ledger.png"));

            // the findings of the drift passes so far
            driver.get(base + "/ui/findings");
            assertThat(until(driver, "status", "findings")).matches("\\d+ findings");
            assertThat(driver.findElement(By.id("rows")).getText()).contains("REVOKED_SIGNER", "TAG_MOVED",
                    "POLICY_REGRESSION");
            screenshot(driver, shots.resolve("console-findings.png"));

            // the catalog: nothing published in this world, said so
            driver.get(base + "/ui/catalog");
            assertThat(until(driver, "status", "publications")).startsWith("0 publications");

            // the live fleet audit of what the API server says runs
            driver.get(base + "/ui/fleet");
            assertThat(driver.findElement(By.id("remediation")).isDisplayed()).isTrue();
            assertThat(driver.findElements(By.cssSelector("#order tbody tr"))).hasSizeGreaterThanOrEqualTo(5);
            screenshot(driver, shots.resolve("console-fleet.png"));
            HttpResponse<String> api = https.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/audit")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(api.body()).path("remediation").size()).isGreaterThanOrEqualTo(5);

            assertThat(driver.manage().logs().get(LogType.BROWSER).getAll()).as("console")
                    .filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).isEmpty();
        } finally {
            driver.quit();
        }
    }

    /** Waits (up to 10 s) until the element's text contains {@code word}; returns the text. */
    static String until(ChromeDriver driver, String id, String word) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            String text = driver.findElement(By.id(id)).getText();
            if (text.contains(word)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("#" + id + " never showed '" + word + "': " + driver.findElement(By.id(id)).getText());
    }

    static void screenshot(ChromeDriver driver, Path file) throws Exception {
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(6)
    void shouldReportWhatCouldNotBeCheckedAndLoseNothingWhenTheRegistryIsDown() {
        registry.close();
        RegistryClient unreachable = RegistryClient.builder().build();
        DriftPass.Result down = pass(unreachable);

        assertThat(down.incomplete()).isNotEmpty();
        assertThat(String.join("\n", down.incomplete())).contains("TAG_MOVED").contains("prod/base");
        assertThat(down.open()).extracting(f -> f.kind() + " " + f.workloadLabel()).contains(
                "REVOKED_SIGNER Deployment prod/api", "TAG_MOVED Deployment prod/base",
                "POLICY_REGRESSION Deployment prod/debug");
        assertThat(down.open()).hasSize(5);
    }

    static DriftPass.Result pass() {
        return pass(client);
    }

    static DriftPass.Result pass(RegistryClient registryClient) {
        Inventory inventory = new KubernetesInventory(URI.create(kube.getMasterUrl().toString()), null, null, null,
                null).read();
        RevocationStore revocations = new RevocationStore(store);
        RegistryImageVerifier verifier = new RegistryImageVerifier(registryClient, VerifierLimits.DEFAULT,
                Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 1000, revocations::current);
        return new DriftPass(controller.policies(), verifier, store, Clock.systemUTC(), Duration.ofSeconds(20))
                .run(inventory, Set.of());
    }

    static Finding find(DriftPass.Result result, FindingKind kind) {
        return result.open().stream().filter(f -> f.kind() == kind).findFirst().orElseThrow();
    }

    static String tag(ImageReference ref) {
        return ref.name() + ":v1";
    }

    static String pem(SigningKey key, int indent) {
        String pad = " ".repeat(indent);
        return Keys.publicPem(key.publicKey()).lines().map(l -> pad + l).reduce((a, b) -> a + "\n" + b).orElseThrow();
    }

    static ImageReference push(String repo, long seed) {
        return SampleImages.push(client, registry.host(), work, repo, seed, 200);
    }

    static void sign(ImageReference ref, SigningKey key) {
        Signer signer = new Signer(EvidenceStore.open(new Location.Registry(ref), client), key, Clock.systemUTC());
        Descriptor image = client.head(ref).orElseThrow();
        signer.sign(image, Map.of(), Signer.Format.ALL);
    }

    static boolean admit(String name, String image, Map<String, String> annotations) throws Exception {
        return review(name, image, annotations).path("response").path("allowed").asBoolean();
    }

    static JsonNode review(String name, String image, Map<String, String> annotations) throws Exception {
        String object = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"prod\",\"annotations\":" + JSON.writeValueAsString(annotations) + "},\"spec\":"
                + "{\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":"
                + "\"app\",\"image\":\"" + image + "\"}]}}}}";
        String body = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\""
                + UUID.randomUUID() + "\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},"
                + "\"resource\":{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\"},\"namespace\":"
                + "\"prod\",\"name\":\"" + name + "\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"ci\"},"
                + "\"object\":" + object + ",\"dryRun\":false}}";
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + server.port() + "/validate")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static void deployment(String name, Map<String, String> annotations, String image) throws Exception {
        kube.resource("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"prod\",\"annotations\":" + JSON.writeValueAsString(annotations) + "},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":"
                + "\"app\",\"image\":\"" + image + "\"}]}}}}").create();
    }

    static void replicaSet(String deployment, String name) {
        kube.resource("{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"prod\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"name\":\"" + deployment + "\",\"uid\":\"u-" + deployment + "\",\"controller\":true}]},\"spec\":"
                + "{\"selector\":{\"matchLabels\":{\"app\":\"" + deployment + "\"}},\"template\":{\"metadata\":{\"labels\":"
                + "{\"app\":\"" + deployment + "\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x\"}]}}}}")
                .create();
    }

    static void pod(String name, String ownerKind, String owner, String image, String digest) {
        String refs = owner == null ? "" : ",\"generateName\":\"" + owner + "-\",\"ownerReferences\":[{\"apiVersion\":"
                + "\"apps/v1\",\"kind\":\"" + ownerKind + "\",\"name\":\"" + owner + "\",\"uid\":\"u-" + owner
                + "\",\"controller\":true}]";
        String repo = image.contains("@") ? image.substring(0, image.indexOf('@')) : image.substring(0,
                image.lastIndexOf(':'));
        kube.resource("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":"
                + "\"prod\"" + refs + "},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"" + image + "\"}]},"
                + "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"app\",\"image\":\"" + image
                + "\",\"imageID\":\"docker-pullable://" + repo + "@" + digest + "\",\"ready\":true,\"restartCount\":0,"
                + "\"state\":{\"running\":{}}}]}}").create();
    }

    static void waitForLedger() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (controller.ledger().queued() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300); // the batch in the writer's hands
    }
}
