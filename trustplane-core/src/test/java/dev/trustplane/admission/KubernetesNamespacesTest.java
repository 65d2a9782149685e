package dev.trustplane.admission;

import static org.assertj.core.api.Assertions.assertThat;


import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.trustplane.event.EventListener;
import dev.trustplane.policy.ContextSource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Namespace labels from the Kubernetes API, against fabric8's CRUD mock server. */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesNamespacesTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    @Test
    void shouldReadLabelsAndTreatAMissingNamespaceAsUnknown() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("payments")
                .addToLabels("team", "payments").addToLabels("tier", "prod").endMetadata().build()).create();
        KubernetesNamespaces namespaces = new KubernetesNamespaces(URI.create(client.getMasterUrl().toString()), null, null,
                Duration.ofSeconds(30), EventListener.NONE);

        assertThat(namespaces.apply("payments")).isEqualTo(Map.of("team", "payments", "tier", "prod"));
        assertThat(namespaces.apply("nowhere")).isNull();
    }

    @Test
    void shouldReadConfigMapsAndApiPathsForContextEntries() {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("keys")
                .withNamespace("default").endMetadata().addToData("org", "PEM").build()).create();
        client.pods().inNamespace("apps").resource(new PodBuilder().withNewMetadata().withName("web")
                .withNamespace("apps").endMetadata().build()).create();
        ContextSource source = new KubernetesNamespaces(URI.create(client.getMasterUrl().toString()), null, null,
                Duration.ofSeconds(30), EventListener.NONE).contextSource(Duration.ofSeconds(10));

        assertThat(source.configMap("default", "keys").path("data").path("org").asText()).isEqualTo("PEM");
        assertThat(source.configMap("default", "absent")).isNull();
        client.secrets().inNamespace("signing").resource(new SecretBuilder().withNewMetadata().withName("cosign")
                .withNamespace("signing").endMetadata().addToData("cosign.pub", "UEVN").build()).create();
        assertThat(source.secret("signing", "cosign").path("data").path("cosign.pub").asText()).isEqualTo("UEVN");
        assertThat(source.secret("signing", "absent")).isNull();
        assertThat(source.get("/api/v1/namespaces/apps/pods").path("items").get(0).path("metadata").path("name")
                .asText()).isEqualTo("web");
        Assertions.assertThatThrownBy(() -> source.get("/api/v1/../../etc")).hasMessageContaining("not a plain path");
        ContextSource down = new KubernetesNamespaces(URI.create("http://127.0.0.1:1"), null, null,
                Duration.ofSeconds(30), EventListener.NONE).contextSource(Duration.ofSeconds(10));
        Assertions.assertThatThrownBy(() -> down.configMap("default", "keys")).hasMessageContaining("did not answer");
    }

    @Test
    void shouldSeeAnEditedConfigMapThroughItsWatchWithoutReadingItAgain() throws Exception {
        client.configMaps().inNamespace("policy").resource(new ConfigMapBuilder().withNewMetadata().withName("keys")
                .withNamespace("policy").endMetadata().addToData("org", "v1").build()).create();
        // answers kept an hour: only the watch can bring the edit in
        ContextSource source = new KubernetesNamespaces(URI.create(client.getMasterUrl().toString()), null, null,
                Duration.ofSeconds(30), EventListener.NONE).contextSource(Duration.ofHours(1));

        assertThat(source.configMap("policy", "keys").path("data").path("org").asText()).isEqualTo("v1");
        client.configMaps().inNamespace("policy").withName("keys").edit(c -> new ConfigMapBuilder(c)
                .addToData("org", "v2").build());
        String seen = "v1";
        for (int i = 0; i < 100 && !seen.equals("v2"); i++) {
            Thread.sleep(100);
            seen = source.configMap("policy", "keys").path("data").path("org").asText();
        }
        assertThat(seen).isEqualTo("v2");
        int ours = 0;
        for (int n = server.getRequestCount(); n > 0; n--) {
            RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
            if (r != null && r.getMethod().equals("GET") && r.getPath().equals("/api/v1/namespaces/policy/configmaps/keys")
                    && String.valueOf(r.getHeader("User-Agent")).startsWith("Java-http-client")) {
                ours++;
            }
        }
        assertThat(ours).as("GETs of the ConfigMap by Trustplane: the first read only, the edit came by the watch")
                .isEqualTo(1);
        client.configMaps().inNamespace("policy").withName("keys").delete();
        JsonNode after = source.configMap("policy", "keys");
        for (int i = 0; i < 100 && after != null; i++) {
            Thread.sleep(100);
            after = source.configMap("policy", "keys");
        }
        assertThat(after).isNull();
    }

    @Test
    void shouldNotReadAConfigMapPerRequestWhenTheApiRefusesWatches() throws Exception {
        // an API server that answers GETs and refuses every watch (no watch permission)
        AtomicInteger gets = new AtomicInteger();
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            boolean watch = String.valueOf(exchange.getRequestURI().getQuery()).contains("watch=true");
            byte[] body = watch ? "{\"kind\":\"Status\",\"code\":403}".getBytes(StandardCharsets.UTF_8)
                    : "{\"metadata\":{\"name\":\"keys\",\"resourceVersion\":\"7\"},\"data\":{\"org\":\"v1\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            if (!watch) {
                gets.incrementAndGet();
            }
            exchange.sendResponseHeaders(watch ? 403 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        try {
            ContextSource source = new KubernetesNamespaces(URI.create("http://127.0.0.1:" + api.getAddress().getPort()),
                    null, null, Duration.ofSeconds(30), EventListener.NONE).contextSource(Duration.ofSeconds(10));
            for (int i = 0; i < 20; i++) {
                assertThat(source.configMap("policy", "keys").path("data").path("org").asText()).isEqualTo("v1");
                Thread.sleep(10);
            }
            assertThat(gets.get()).as("one GET within " + ConfigMapWatches.RETRY + ", not one per request").isEqualTo(1);
        } finally {
            api.stop(0);
        }
    }

    @Test
    void shouldReturnUnknownWhenTheApiCannotAnswer() {
        KubernetesNamespaces down = new KubernetesNamespaces(URI.create("http://127.0.0.1:1"), null, null,
                Duration.ofSeconds(30), EventListener.NONE);

        assertThat(down.apply("payments")).isNull();
    }

    @Test
    void shouldRefusePlainHttpBeyondLoopback() {
        Assertions.assertThatThrownBy(() -> new KubernetesNamespaces(
                URI.create("http://kubernetes.example:6443"), null, null, Duration.ofSeconds(1), EventListener.NONE))
                .hasMessageContaining("must be https");
    }
}
