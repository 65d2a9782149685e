package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.verify.VerifierLimits;
import dev.trustplane.workload.Workloads;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kyverno's own conformance tests (resources/policy/kyverno-conformance, see its README) run as
 * chainsaw runs them, against Trustplane's engine (mutate, then validate) and the real registry:
 * every outcome Trustplane can decide offline must equal the one the test expects.
 */
class KyvernoConformanceIT {
    private static final Pattern REGISTRY = Pattern.compile("(?<![\\w./:-])(ghcr\\.io|public\\.ecr\\.aws)/");
    private static final Pattern PEM = Pattern.compile("-----BEGIN PUBLIC KEY-----.*?-----END\\s+PUBLIC KEY-----",
            Pattern.DOTALL);
    private static final Pattern CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END\\s+CERTIFICATE-----",
            Pattern.DOTALL);
    /** The Notary Project signatures notation wrote for its e2e tests (resources/verify/notation). */
    static Path notation;

    @TempDir
    static Path work;
    static RegistryPeer registry;
    static RegistryClient client;
    static SigningKey key;
    static String pem;
    static final Set<String> pushed = new HashSet<>();

    @BeforeAll
    static void start() {
        registry = RegistryPeer.start(work.resolve("registry"));
        client = RegistryClient.builder().build();
        key = Keys.generate();
        pem = Keys.publicPem(key.publicKey());
        try {
            notation = Path.of(KyvernoConformanceIT.class.getResource("/verify/notation").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    /** One case: the file applied, what the test expects, what Trustplane decided (or why it cannot). */
    record Case(String test, String file, boolean expectDenied, Boolean denied, String note) {
    }

    @Test
    void shouldDecideAsKyvernosConformanceTestsExpect() throws Exception {
        Path root = Path.of(KyvernoConformanceIT.class.getResource("/policy/kyverno-conformance").toURI());
        List<Path> tests;
        try (Stream<Path> s = Files.list(root)) {
            tests = s.filter(Files::isDirectory).sorted().toList();
        }
        List<Case> outcomes = new ArrayList<>();
        for (Path t : tests) {
            outcomes.addAll(run(t));
        }
        List<Case> decided = outcomes.stream().filter(o -> o.denied() != null).toList();
        List<Case> equal = decided.stream().filter(o -> o.denied() == o.expectDenied()).toList();
        System.out.printf("Kyverno conformance (%d tests, real registry): %d of %d offline-decidable outcomes equal"
                + " to Kyverno's; %d not decidable offline%n", tests.size(), equal.size(), decided.size(),
                outcomes.size() - decided.size());
        outcomes.forEach(o -> System.out.printf("  %-5s %s/%s: expected %s, %s%n", o.denied() == null ? "n/a"
                : o.denied() == o.expectDenied() ? "same" : "DIFF", o.test(), o.file(), o.expectDenied() ? "denied"
                : "admitted", o.denied() == null ? o.note() : (o.denied() ? "denied" : "admitted") + " — " + o.note()));
        assertThat(tests).hasSize(12);
        assertThat(decided).as("decidable outcomes").hasSizeGreaterThanOrEqualTo(12);
        assertThat(equal).as("outcomes equal to Kyverno's").hasSameSizeAs(decided);
    }

    private List<Case> run(Path test) throws Exception {
        JsonNode chainsaw = Json.yaml().readTree(test.resolve("chainsaw-test.yaml").toFile());
        Cluster cluster = new Cluster(Files.readString(test.resolve("policy.yaml")).contains("type: Notary"));
        List<Case> out = new ArrayList<>();
        for (JsonNode step : chainsaw.path("spec").path("steps")) {
            String template = step.path("use").path("template").asText("");
            if (template.endsWith("create-policy.yaml")) {
                for (JsonNode b : step.path("use").path("with").path("bindings")) {
                    if (b.path("name").asText().equals("file")) {
                        cluster.apply(test, b.path("value").asText());
                    }
                }
                continue;
            }
            for (JsonNode item : step.path("try")) {
                JsonNode apply = item.get("apply");
                if (apply == null) {
                    continue; // assert, error, delete, script: state Kyverno's controllers produce
                }
                boolean expectDenied = apply.path("expect").toString().contains("($error != null)");
                out.addAll(cluster.apply(test, apply.path("file").asText()).stream()
                        .map(r -> new Case(test.getFileName().toString(), apply.path("file").asText() + r.what,
                                expectDenied, r.denied, r.note)).toList());
            }
        }
        return out;
    }

    private record Result(String what, Boolean denied, String note) {
    }

    /** What the API server would hold: policies, namespaces' labels, ConfigMaps, Secrets and objects. */
    private static final class Cluster {
        /** Notary tests: images (in a registry path of their own) carry notation's signatures, certificates are e2e.crt. */
        final boolean notary;
        final Map<String, JsonNode> policyDocs = new HashMap<>();
        final Map<String, Map<String, String>> namespaces = new HashMap<>();
        final List<JsonNode> configMaps = new ArrayList<>();
        final Map<String, JsonNode> secrets = new HashMap<>();
        final Map<String, JsonNode> objects = new HashMap<>();

        Cluster(boolean notary) {
            this.notary = notary;
        }

        String prefix() {
            return registry.host() + (notary ? "/notary" : "");
        }

        List<Result> apply(Path test, String file) throws Exception {
            String text = rewriteImages(Files.readString(test.resolve(file)), prefix());
            List<Result> results = new ArrayList<>();
            for (JsonNode doc : Json.yaml().readerFor(JsonNode.class).<JsonNode>readValues(text).readAll()) {
                if (doc == null || !doc.isObject()) {
                    continue;
                }
                rewriteKeys(doc, notary ? Files.readString(notation.resolve("e2e.crt")).strip() : null);
                String kind = doc.path("kind").asText();
                String ns = doc.path("metadata").path("namespace").asText("default");
                String name = doc.path("metadata").path("name").asText();
                switch (kind) {
                    case "ClusterPolicy", "Policy", "PolicyException" -> policyDocs.put(kind + "/" + ns + "/" + name, doc);
                    case "Namespace" -> {
                        Map<String, String> labels = new HashMap<>();
                        doc.path("metadata").path("labels").fields().forEachRemaining(e ->
                                labels.put(e.getKey(), e.getValue().asText()));
                        namespaces.put(name, labels);
                    }
                    case "ConfigMap" -> configMaps.add(doc);
                    case "Secret" -> secrets.put(ns + "/" + name, doc);
                    case "CustomResourceDefinition", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
                            "ServiceAccount" -> {
                    }
                    default -> results.add(admit(doc, kind + " " + name));
                }
            }
            return results;
        }

        Result admit(JsonNode object, String what) throws Exception {
            for (String image : images(object)) {
                publish(image, notary);
            }
            byte[] root = TrustedRoot.publicGoodBytes();
            StringBuilder all = new StringBuilder();
            for (JsonNode d : policyDocs.values()) {
                all.append("---\n").append(Json.mapper().writeValueAsString(d)).append('\n');
            }
            PolicyLoader.Loaded loaded = new PolicyLoader(TrustedRoot.parse(root, "public-good"), root)
                    .parse(all.toString().getBytes(StandardCharsets.UTF_8), "cluster");
            assertThat(loaded.hasErrors()).as(loaded.problems().toString()).isFalse();
            ContextSource source = ContextSource.of(configMaps, new ContextSource() {
                @Override
                public JsonNode configMap(String namespace, String name) {
                    return null;
                }

                @Override
                public JsonNode get(String urlPath) {
                    throw new IllegalStateException("no API call expected: " + urlPath);
                }

                @Override
                public JsonNode secret(String namespace, String name) {
                    return secrets.get(namespace + "/" + name);
                }
            });
            String ns = object.path("metadata").path("namespace").asText("default");
            String key = object.path("kind").asText() + "/" + ns + "/" + object.path("metadata").path("name").asText();
            JsonNode old = objects.get(key);
            RegistryImageVerifier verifier = new RegistryImageVerifier(client, VerifierLimits.DEFAULT, Duration.ofMinutes(5),
                    Duration.ofSeconds(5), Duration.ofSeconds(5), 100);
            try (PolicyEngine engine = new PolicyEngine(loaded.policies(), verifier, source, Clock.systemUTC())) {
                ObjectNode patched = object.deepCopy();
                Evaluation mutate = engine.evaluate(resource(object, old, ns), Phase.MUTATE, Duration.ofSeconds(20));
                for (Evaluation.Pin p : mutate.pins()) {
                    ((ObjectNode) patched.at(p.pointer().substring(0, p.pointer().lastIndexOf('/'))))
                            .put(p.pointer().substring(p.pointer().lastIndexOf('/') + 1), p.image());
                }
                Evaluation validate = engine.evaluate(resource(patched, old, ns), Phase.VALIDATE, Duration.ofSeconds(20));
                boolean denied = mutate.denied() || validate.denied();
                List<Decision> decisions = new ArrayList<>(mutate.decisions());
                decisions.addAll(validate.decisions());
                String why = decisions.stream().filter(d -> d.verdict() != Outcome.PASS)
                        .map(Decision::message).findFirst().orElse(decisions.isEmpty() ? "no rule applies"
                                : "every rule passes");
                boolean needsRekor = why.contains("tlog") || why.contains("transparency log") || why.contains("Rekor");
                if (!denied) {
                    objects.put(key, patched);
                }
                return needsRekor && denied
                        ? new Result(" (" + what + ")", null, "needs the signature's entry in public-good Rekor,"
                        + " which a test key cannot have offline")
                        : new Result(" (" + what + ")", denied, why.length() > 160 ? why.substring(0, 160) + "…" : why);
            }
        }

        Resource resource(JsonNode object, JsonNode old, String ns) {
            return Resource.of(Workloads.of(object), null, old == null ? "CREATE" : "UPDATE", null, old,
                    () -> namespaces.get(ns));
        }
    }

    /** ghcr.io/… and public.ecr.aws/… (images and patterns such as ghcr.io/*) become paths in the local registry. */
    static String rewriteImages(String text, String prefix) {
        Matcher m = REGISTRY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(prefix + "/" + m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every public key (in any string, or base64 in a Secret) becomes the run's key; certificates become {@code certificate}. */
    static void rewriteKeys(JsonNode node, String certificate) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            it.forEachRemaining(entries::add);
            for (Map.Entry<String, JsonNode> e : entries) {
                JsonNode v = e.getValue();
                if (v.isTextual() && certificate != null && CERTIFICATE.matcher(v.asText()).find()) {
                    ((ObjectNode) node).set(e.getKey(), TextNode.valueOf(CERTIFICATE.matcher(v.asText()).replaceAll(
                            Matcher.quoteReplacement(certificate))));
                } else if (v.isTextual() && PEM.matcher(v.asText()).find()) {
                    ((ObjectNode) node).set(e.getKey(), TextNode.valueOf(PEM.matcher(v.asText()).replaceAll(
                            Matcher.quoteReplacement(pem.strip()))));
                } else if (v.isTextual() && e.getKey().equals("cosign.pub")) {
                    ((ObjectNode) node).put(e.getKey(), Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8)));
                } else {
                    rewriteKeys(v, certificate);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> rewriteKeys(n, certificate));
        }
    }

    static List<String> images(JsonNode node) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(registry.host()) + "/[a-z0-9./_-]+(:[A-Za-z0-9._-]+)?")
                .matcher(node.toString());
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * Pushes {@code image} once; signs it with the run's key unless the published image carries no
     * signature — or, for a Notary test, pushes notation's signed e2e image and its signature there.
     */
    static void publish(String image, boolean notary) {
        if (!pushed.add(image)) {
            return;
        }
        ImageReference ref = ImageReference.parse(image.indexOf(':', image.indexOf('/')) >= 0 ? image : image + ":latest");
        if (notary && !"unsigned".equals(ref.tag())) {
            Path layout = notation.resolve("e2e-valid-signature");
            ImageCopier copier = new ImageCopier(client, EventListener.NONE, 2);
            copier.copy(Location.parse("oci:" + layout + ":v1"), Location.parse(ref.toString()));
            String fallback = "sha256-b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9";
            copier.copy(Location.parse("oci:" + layout + ":" + fallback), Location.parse(ref.withTag(fallback).toString()));
            return;
        }
        Path dir = work.resolve("img" + pushed.size());
        RawManifest manifest = TestImages.write(OciLayout.openOrCreate(dir), "v1", 1, 200, 4242 + pushed.size());
        new ImageCopier(client, EventListener.NONE, 2).copy(Location.parse("oci:" + dir + ":v1"),
                Location.parse(ref.toString()));
        boolean unsigned = "unsigned".equals(ref.tag()) || ref.repository().contains("public.ecr.aws/docker/library/");
        if (!unsigned) {
            ImageReference pinned = ref.pinned(manifest.digest());
            new Signer(EvidenceStore.open(new Location.Registry(pinned), client), key, Clock.systemUTC())
                    .sign(client.head(pinned).orElseThrow(), Map.of(), Signer.Format.ALL);
        }
    }
}
