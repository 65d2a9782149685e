package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
    static final String REGISTRIES = """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata: {name: registries}
            spec:
              validationFailureAction: Enforce
              rules:
                - name: trusted
                  match: {any: [{resources: {kinds: [Pod]}}]}
                  validate:
                    message: "use the company registry"
                    pattern:
                      spec:
                        containers: [{image: "registry.example.com/*"}]
            """;

    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.run(Map.of(), "", args);
    }

    @Test
    void shouldLintEveryProblemAndExit13() throws Exception {
        Path p = Files.writeString(dir.resolve("p.yaml"), REGISTRIES.replace("message:", "mesage:")
                + "---\n" + REGISTRIES.replace("name: registries", "name: second")
                .replace("validationFailureAction: Enforce", "validationFailureAction: Enforce\n  webhookTimeoutSeconds: 31"));

        CliRun r = run("policy", "lint", p.toString());

        assertThat(r.code()).isEqualTo(13);
        assertThat(r.out()).contains("validate.mesage").contains("webhookTimeoutSeconds").contains("0 policies usable, 2 errors");
        assertThat(run("policy", "lint", Files.writeString(dir.resolve("ok.yaml"), REGISTRIES).toString()).code()).isZero();
    }

    @Test
    void shouldTestImagesAndResourcesOfflineAndExit14OnDenial() throws Exception {
        Path p = Files.writeString(dir.resolve("p.yaml"), REGISTRIES);
        Path deployment = Files.writeString(dir.resolve("d.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: registry.example.com/web:1}]
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: report}
                spec:
                  schedule: "@daily"
                  jobTemplate: {spec: {template: {spec: {containers: [{name: r, image: docker.io/library/busybox}]}}}}
                """);

        CliRun denied = run("policy", "test", p.toString(), "--image", "docker.io/library/nginx:1");
        CliRun resources = run("policy", "test", p.toString(), "--resource", deployment.toString(), "-o", "json");

        assertThat(denied.code()).as(denied.err()).isEqualTo(14);
        assertThat(denied.out()).contains("DENIED").contains("registries/trusted").contains("use the company registry")
                .contains("spec.containers[0].image");
        assertThat(resources.code()).as(resources.err()).isEqualTo(14);
        var json = new ObjectMapper().readTree(resources.out());
        assertThat(json.get(0).path("resource").asText()).isEqualTo("Deployment shop/web");
        assertThat(json.get(0).path("allowed").asBoolean()).isTrue();
        assertThat(json.get(1).path("allowed").asBoolean()).isFalse();
        assertThat(json.get(1).path("decisions").get(0).path("message").asText()).contains("pod template");
    }

    @Test
    void shouldNameBadInput() throws Exception {
        assertThat(run("policy", "test", dir.resolve("none.yaml").toString(), "--image", "x").code()).isEqualTo(3);
        Path p = Files.writeString(dir.resolve("p.yaml"), REGISTRIES);
        CliRun noKind = run("policy", "test", p.toString(), "--resource",
                Files.writeString(dir.resolve("r.yaml"), "metadata: {name: x}\n").toString());
        assertThat(noKind.code()).isEqualTo(2);
        assertThat(noKind.err()).contains("r.yaml").contains("no kind or apiVersion");
        assertThat(run("policy", "test", p.toString()).code()).isEqualTo(2);
    }

    @Test
    void shouldMakeCertificatesAndWebhookConfigurations() throws Exception {
        CliRun r = run("admission", "certs", "--out", dir.resolve("certs").toString(), "--namespace", "security",
                "--host", "127.0.0.1");
        CliRun again = run("admission", "certs", "--out", dir.resolve("certs").toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.getPosixFilePermissions(dir.resolve("certs/tls.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String yaml = Files.readString(dir.resolve("certs/webhooks.yaml"));
        assertThat(yaml).contains("kind: MutatingWebhookConfiguration").contains("kind: ValidatingWebhookConfiguration")
                .contains("path: /validate").contains("path: /mutate").contains("namespace: security")
                .contains("failurePolicy: Fail").contains("caBundle: LS0t");
        String cert = Files.readString(dir.resolve("certs/tls.crt"));
        var x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.getBytes()));
        assertThat(x509.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains("trustplane.security.svc", "127.0.0.1");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("exists").contains("--force");
        assertThat(Set.of(run("admission", "certs", "--out", dir.resolve("x").toString(), "--url", "http://h/").code()))
                .containsExactly(2);
    }
}
