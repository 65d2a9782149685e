package dev.trustplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.admission.WebhookCertificates;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/ as a platform team applies it: {@code kubectl kustomize deploy/overlays/ha} renders
 * offline, every object — and the webhook configurations {@code admission certs} writes — reads
 * into fabric8's Kubernetes model with no field the schema does not know (a misspelt field would
 * be dropped silently by the API server), the HA properties hold, and the RBAC grants exactly the
 * API calls the code makes: no more (no wildcard, no list of Secrets), no less.
 */
class DeployManifestsTest {
    static final Path DEPLOY = Path.of("../deploy").toAbsolutePath().normalize();
    static final Path MAIN = Path.of("src/main/java").toAbsolutePath();

    private static List<HasMetadata> render(String dir) {
        List<String> cmd = List.of(Peers.require("kubectl").toString(), "kustomize", DEPLOY.resolve(dir).toString());
        ProcessRunner.Result r = ProcessRunner.run(cmd, Map.of(), 120).requireSuccess(cmd);
        return load(r.stdout());
    }

    private static List<HasMetadata> load(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                out.add(Serialization.unmarshal(doc, HasMetadata.class));
            }
        }
        return out;
    }

    @Test
    void shouldRenderTheHaOverlayIntoObjectsTheKubernetesSchemaKnowsCompletely() {
        List<HasMetadata> objects = render("overlays/ha");
        objects.addAll(load(WebhookCertificates.webhookYaml(WebhookCertificates.generate(
                WebhookCertificates.serviceNames("trustplane", "trustplane"), Duration.ofDays(1)).caCertificate(),
                "trustplane", "trustplane", null, 10)));

        Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toCollection(TreeSet::new));
        assertThat(kinds).contains("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                        "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap", "Secret",
                        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");
        List<String> unknown = new ArrayList<>();
        for (HasMetadata o : objects) {
            unknownFields(o, o.getKind() + " " + o.getMetadata().getName(), unknown, new IdentityHashMap<>());
        }
        assertThat(unknown).as("fields the Kubernetes schema does not have").isEmpty();
    }

    @Test
    void shouldRunThreeSpreadReplicasThatFailClosedAndStayUpThroughDisruptions() {
        List<HasMetadata> objects = render("overlays/ha");
        Deployment d = one(objects, Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);

        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .isNotEmpty();
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getArgs()).contains("--shutdown-delay=5s", "--log-format=json");
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(5L + 10L);
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("TRUSTPLANE_STORE_URL")
                && e.getValueFrom().getSecretKeyRef().getName().equals("trustplane-store"));
        assertThat(one(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
        assertThat(one(objects, Namespace.class).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        String webhooks = WebhookCertificates.webhookYaml("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n",
                "trustplane", "trustplane", null, 10);
        assertThat(webhooks).contains("failurePolicy: Fail").contains("kube-system").contains("trustplane");
    }

    /** The minimal Kyverno CRDs for `--policies k8s` without Kyverno: valid, and the collections the code reads. */
    @Test
    void shouldShipCrdsForTheCollectionsKubernetesPoliciesReads() throws IOException {
        List<HasMetadata> crds = load(Files.readString(DEPLOY.resolve("crds/kyverno-policies.yaml")));
        List<String> unknown = new ArrayList<>();
        Set<String> collections = new TreeSet<>();
        for (HasMetadata o : crds) {
            unknownFields(o, o.getKind() + " " + o.getMetadata().getName(), unknown, new IdentityHashMap<>());
            CustomResourceDefinition crd = (CustomResourceDefinition) o;
            collections.add("/apis/" + crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName()
                    + "/" + crd.getSpec().getNames().getPlural());
        }
        assertThat(unknown).isEmpty();
        String code = Files.readString(MAIN.resolve("dev/trustplane/fleet/KubernetesPolicies.java"));
        assertThat(collections).allSatisfy(c -> assertThat(code).contains("\"" + c + "\""));
    }

    /**
     * The API calls in the code — collections named in main sources — against the rules: every
     * resource the code reads or writes is granted, and every granted resource is used.
     */
    @Test
    void shouldGrantExactlyWhatTheCodeCalls() throws IOException {
        List<HasMetadata> objects = render("base");
        List<PolicyRule> rules = new ArrayList<>(one(objects, ClusterRole.class).getRules());
        rules.addAll(one(objects, Role.class).getRules());
        Set<String> granted = new TreeSet<>();
        for (PolicyRule r : rules) {
            assertThat(r.getVerbs()).doesNotContain("*");
            assertThat(r.getResources()).doesNotContain("*");
            assertThat(r.getApiGroups()).doesNotContain("*");
            r.getResources().forEach(resource -> granted.add(resource.replaceFirst("/status$", "")));
            if (r.getResources().contains("secrets")) {
                assertThat(r.getVerbs()).containsExactly("get");
            }
        }
        Set<String> called = new TreeSet<>();
        String code;
        try (Stream<Path> files = Files.walk(MAIN)) {
            code = files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        for (String resource : List.of("pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs",
                "cronjobs", "namespaces", "configmaps", "secrets", "policyreports", "leases", "events",
                "clusterpolicies", "policies", "policyexceptions", "services", "nodes", "customresourcedefinitions")) {
            // a path segment of a string literal: "/api/v1/pods", "/configmaps/", "/apis/…/leases"
            if (Pattern.compile("\"[^\"\\n]*/" + resource + "(/[^\"\\n]*)?(\\?[^\"\\n]*)?\"").matcher(code).find()) {
                called.add(resource);
            }
        }
        assertThat(granted).isEqualTo(called);
    }

    /**
     * The monitoring example: the ServiceMonitor selects the Service by its labels and port name,
     * and every metric the alerts use is one the server serves (named in the server's sources).
     */
    @Test
    void shouldMonitorMetricsTheServerServes() throws IOException {
        List<HasMetadata> objects = render("overlays/ha");
        var service = one(objects, Service.class);
        List<GenericKubernetesResource> examples = new ArrayList<>();
        for (String doc : Files.readString(DEPLOY.resolve("examples/servicemonitor.yaml")).split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                examples.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
            }
        }
        GenericKubernetesResource monitor = examples.stream().filter(e -> e.getKind().equals("ServiceMonitor"))
                .findFirst().orElseThrow();
        Map<String, Object> selector = monitor.get("spec", "selector", "matchLabels");
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()))));
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertThat(service.getSpec().getPorts()).anyMatch(p -> p.getName().equals(endpoints.get(0).get("port")));

        String server;
        try (Stream<Path> files = Files.walk(Path.of("../trustplane-server/src/main/java"))) {
            server = files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        String rules = Files.readString(DEPLOY.resolve("examples/servicemonitor.yaml"));
        var used = Pattern.compile("trustplane_[a-z_]+").matcher(rules.substring(rules.indexOf("PrometheusRule")))
                .results().map(m -> m.group()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(used).isNotEmpty();
        assertThat(used).allMatch(metric -> server.contains("\"" + metric + "\""), "served by trustplane-server");
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /** Walks the model objects; fabric8 keeps what its schema lacks in additionalProperties. */
    private static void unknownFields(Object o, String where, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            c.forEach(e -> unknownFields(e, where, out, seen));
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.values().forEach(v -> unknownFields(v, where, out, seen));
            return;
        }
        if (!(o instanceof KubernetesResource)) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = getter.invoke(o);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(where + ": " + o.getClass().getSimpleName() + " " + extra.keySet());
                    }
                } else {
                    unknownFields(value, where, out, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
