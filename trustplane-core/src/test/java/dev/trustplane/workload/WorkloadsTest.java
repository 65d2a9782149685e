package dev.trustplane.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @Test
    void shouldReadACronJobsPodTemplateWithEveryContainerList() throws Exception {
        Workload w = Workloads.of(yaml("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly, namespace: ops, labels: {app: report}}
                spec:
                  schedule: "0 2 * * *"
                  jobTemplate:
                    spec:
                      template:
                        metadata: {labels: {trustplane.dev/team: payments}, annotations: {a: b}}
                        spec:
                          initContainers: [{name: setup, image: "busybox:1.36"}]
                          containers: [{name: main, image: "registry.example.com/report@sha256:%s"}]
                """.formatted("a".repeat(64))));
        assertThat(w.label()).isEqualTo("CronJob ops/nightly");
        assertThat(w.group()).isEqualTo("batch");
        assertThat(w.labels()).containsEntry("app", "report");
        assertThat(w.podLabels()).containsEntry("trustplane.dev/team", "payments");
        assertThat(w.podAnnotations()).containsEntry("a", "b");
        assertThat(w.containers()).extracting(ContainerImage::label, ContainerImage::pointer).containsExactly(
                Tuple.tuple("initContainers[0] (setup)",
                        "/spec/jobTemplate/spec/template/spec/initContainers/0/image"),
                Tuple.tuple("containers[0] (main)",
                        "/spec/jobTemplate/spec/template/spec/containers/0/image"));
    }

    @Test
    void shouldGiveAKindThatRunsNoPodsNoContainers() throws Exception {
        Workload w = Workloads.of(yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: b}}"));
        assertThat(w.pod()).isNull();
        assertThat(w.containers()).isEmpty();
    }

    @Test
    void shouldNameWhereAContainerListIsMalformed() throws Exception {
        assertThatThrownBy(() -> Workloads.of(yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},"
                + " spec: {template: {spec: {containers: {image: x}}}}}")))
                .isInstanceOf(WorkloadException.class).hasMessage(".spec.template.spec.containers is not a list");
        assertThatThrownBy(() -> Workloads.of(yaml("{apiVersion: v1, kind: Pod, metadata: {name: p},"
                + " spec: {containers: [{image: 3}]}}")))
                .hasMessage(".spec.containers[0].image is not a string");
    }
}
