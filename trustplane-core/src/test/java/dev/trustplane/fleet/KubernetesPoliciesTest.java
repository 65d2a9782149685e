package dev.trustplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.event.EventListener;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.PolicyProblem;
import dev.trustplane.policy.PolicyWatcher;
import dev.trustplane.sigstore.TrustedRoot;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --policies k8s}: Kyverno policy objects and Trustplane's ConfigMap read from the API
 * (fabric8's CRUD mock), a {@code kubectl apply} picked up through the watch, status written back.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesPoliciesTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final ResourceDefinitionContext CLUSTER_POLICY = new ResourceDefinitionContext.Builder()
            .withGroup("kyverno.io").withVersion("v1").withKind("ClusterPolicy").withPlural("clusterpolicies")
            .withNamespaced(false).build();
    private static final ResourceDefinitionContext POLICY = new ResourceDefinitionContext.Builder()
            .withGroup("kyverno.io").withVersion("v1").withKind("Policy").withPlural("policies")
            .withNamespaced(true).build();

    static String policy(String kind, String name, String namespace, String rule) {
        return """
                apiVersion: kyverno.io/v1
                kind: KIND
                metadata: {name: NAME NS}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: registries
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      RULE
                """.replace("KIND", kind).replace("NAME", name).replace("NS", namespace == null ? ""
                : ", namespace: " + namespace).replace("RULE", rule);
    }

    static final String PATTERN = """
            validate:
                        message: "images come from registry.example.com"
                        pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}""";

    static void apply(ResourceDefinitionContext type, String yaml) {
        GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        var op = client.genericKubernetesResources(type);
        if (r.getMetadata().getNamespace() != null) {
            op.inNamespace(r.getMetadata().getNamespace()).resource(r).createOr(o -> o.update());
        } else {
            op.resource(r).createOr(o -> o.update());
        }
    }

    @Test
    void shouldLoadWatchAndWriteStatusBackAsKyvernoDoes() throws Exception {
        apply(CLUSTER_POLICY, policy("ClusterPolicy", "registries", null, PATTERN));
        apply(POLICY, policy("Policy", "shop-registries", "shop", PATTERN));
        apply(CLUSTER_POLICY, policy("ClusterPolicy", "broken", null,
                "validate: {message: x, podSecurity: {level: baseline, version: latest}}"));
        client.resource("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: trustplane-policies, namespace: trustplane}
                data:
                  extra.yaml: |
                    apiVersion: kyverno.io/v1
                    kind: ClusterPolicy
                    metadata: {name: from-configmap}
                    spec:
                      rules:
                        - name: labels
                          match: {any: [{resources: {kinds: [Pod]}}]}
                          validate: {message: "needs a team", pattern: {metadata: {labels: {team: "?*"}}}}
                  README.md: not a policy
                """).create();
        KubernetesInventory api = new KubernetesInventory(URI.create(client.getMasterUrl().toString()), null, null,
                null, null);
        PolicyLoader loader = new PolicyLoader(null, null);
        try (KubernetesPolicies source = new KubernetesPolicies(api, "trustplane", Clock.systemUTC(),
                EventListener.NONE)) {
            PolicyLoader.Loaded loaded = source.load(loader);
            assertThat(loaded.policies()).extracting(Policy::source).containsExactlyInAnyOrder(
                    "ClusterPolicy/registries", "Policy/shop/shop-registries",
                    "ConfigMap trustplane/trustplane-policies extra.yaml");
            assertThat(loaded.problems()).anySatisfy(p -> assertThat(p.toString())
                    .startsWith("error: ClusterPolicy/broken").contains("podSecurity"));
            source.loaded(loaded);

            JsonNode ready = status(CLUSTER_POLICY, null, "registries");
            assertThat(ready.path("ready").asBoolean()).isTrue();
            assertThat(ready.path("conditions").get(0).path("type").asText()).isEqualTo("Ready");
            assertThat(ready.path("conditions").get(0).path("status").asText()).isEqualTo("True");
            assertThat(ready.path("conditions").get(0).path("reason").asText()).isEqualTo("Succeeded");
            JsonNode refused = status(CLUSTER_POLICY, null, "broken");
            assertThat(refused.path("ready").asBoolean()).isFalse();
            assertThat(refused.path("conditions").get(0).path("reason").asText()).isEqualTo("Failed");
            assertThat(refused.path("conditions").get(0).path("message").asText())
                    .contains("spec.rules[0].validate.podSecurity: is not supported by Trustplane");
            assertThat(status(POLICY, "shop", "shop-registries").path("ready").asBoolean()).isTrue();

            // kubectl apply of a new policy: the watch moves the version, the watcher loads it
            AtomicReference<List<Policy>> inForce = new AtomicReference<>(loaded.policies());
            PolicyWatcher watcher = new PolicyWatcher(source.watch(), loader, loaded.policies(),
                    next -> inForce.set(next.policies()), EventListener.NONE);
            apply(CLUSTER_POLICY, policy("ClusterPolicy", "added", null, PATTERN));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (inForce.get().stream().noneMatch(p -> p.source().equals("ClusterPolicy/added"))
                    && System.nanoTime() < deadline) {
                watcher.check();
                Thread.sleep(100);
            }
            assertThat(inForce.get()).extracting(Policy::source).contains("ClusterPolicy/added");
            assertThat(status(CLUSTER_POLICY, null, "added").path("ready").asBoolean()).isTrue();

            client.genericKubernetesResources(CLUSTER_POLICY).withName("registries").delete();
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (inForce.get().stream().anyMatch(p -> p.source().equals("ClusterPolicy/registries"))
                    && System.nanoTime() < deadline) {
                watcher.check();
                Thread.sleep(100);
            }
            assertThat(inForce.get()).extracting(Policy::source).doesNotContain("ClusterPolicy/registries");
        }
    }

    /** A policy Kyverno publishes (kyverno/policies verify-image, fixture with source and licence), applied as is. */
    @Test
    void shouldLoadAPublishedKyvernoPolicyAppliedToTheApiAsIs() throws Exception {
        apply(CLUSTER_POLICY, Files.readString(Path.of(
                "src/test/resources/policy/kyverno-corpus/policies/other/verify-image/verify-image.yaml")));
        KubernetesInventory api = new KubernetesInventory(URI.create(client.getMasterUrl().toString()), null, null,
                null, null);
        try (KubernetesPolicies source = new KubernetesPolicies(api, "trustplane", Clock.systemUTC(),
                EventListener.NONE)) {
            byte[] root = TrustedRoot.publicGoodBytes(); // its Rekor entries are checked against public-good, as Kyverno does
            PolicyLoader.Loaded loaded = source.load(new PolicyLoader(TrustedRoot.parse(root, "public-good"), root));
            assertThat(loaded.problems()).noneMatch(p -> p.source().equals("ClusterPolicy/verify-image")
                    && p.severity() == PolicyProblem.Severity.ERROR);
            assertThat(loaded.policies()).extracting(Policy::source).contains("ClusterPolicy/verify-image");
            source.loaded(loaded);
            assertThat(status(CLUSTER_POLICY, null, "verify-image").path("ready").asBoolean()).isTrue();
        }
    }

    @Test
    void shouldWriteNoStatusOnAReplicaThatDoesNotLead() {
        apply(CLUSTER_POLICY, policy("ClusterPolicy", "quiet", null, PATTERN));
        KubernetesInventory api = new KubernetesInventory(URI.create(client.getMasterUrl().toString()), null, null,
                null, null);
        try (KubernetesPolicies source = new KubernetesPolicies(api, "trustplane", Clock.systemUTC(),
                EventListener.NONE).writeStatusWhen(() -> false)) {
            source.loaded(source.load(new PolicyLoader(null, null)));
            assertThat(status(CLUSTER_POLICY, null, "quiet").isMissingNode()).isTrue();
        }
    }

    static JsonNode status(ResourceDefinitionContext type, String namespace, String name) {
        var op = client.genericKubernetesResources(type);
        GenericKubernetesResource r = namespace == null ? op.withName(name).get()
                : op.inNamespace(namespace).withName(name).get();
        return Serialization.jsonMapper().valueToTree(r).path("status");
    }
}
