package dev.trustplane.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.event.EventListener;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
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
